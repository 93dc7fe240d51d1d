// For component tests: a CairnApi whose answers are checked against the contract's output schemas, so the
// fake speaks the real protocol; methods not given answer 'unavailable' like an older service would.
import {
  methodNames,
  methods,
  type CairnApi,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';

export type Handlers = {
  [M in MethodName]?: (
    input: MethodInput<M>,
  ) => MethodOutput<M> | Result<MethodOutput<M>> | Promise<MethodOutput<M>>;
};

export interface FakeApi {
  api: CairnApi;
  calls: { method: MethodName; input: unknown }[];
}

/** Builds the fake; every call is recorded in `calls`. */
export function fakeApi(handlers: Handlers): FakeApi {
  const calls: FakeApi['calls'] = [];
  const api = {} as Record<MethodName, (i: unknown) => Promise<Result<unknown>>>;
  for (const m of methodNames) {
    api[m] = async (input: unknown) => {
      calls.push({ method: m, input });
      const h = handlers[m] as ((i: unknown) => unknown) | undefined;
      if (!h) return { ok: false, error: { code: 'unavailable', message: `${m} is not available here.` } };
      const out = await h(methods[m].input.parse(input ?? {}));
      if (out && typeof out === 'object' && 'ok' in out && typeof out.ok === 'boolean')
        return out as Result<unknown>;
      return { ok: true, value: methods[m].output.parse(out) };
    };
  }
  return { api: api as unknown as CairnApi, calls };
}
