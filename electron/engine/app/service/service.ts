import { isMethodName, methods, type CairnApi, type MethodName } from '../../../../shared/contract';
import { fail, ok, type Result } from '../../../../shared/result';
import type { Db } from '../../catalog/db';
import type { SecretStore } from '../../secrets/store';
import { JobCoordinator } from '../jobs';
import { EventBus } from './bus';
import type { DriveAccess, Handlers, ServiceContext } from './context';
import { toFailure } from './errors';
import { backupHandlers } from './handlers/backups';
import { changesHandlers } from './handlers/changes';
import { driveHandlers } from './handlers/drive';
import { historyHandlers } from './handlers/history';
import { planHandlers } from './handlers/plans';
import { remoteHandlers } from './handlers/remotes';
import { runHandlers } from './handlers/runs';
import { settingsHandlers } from './handlers/settings';
import { timelineHandlers } from './handlers/timeline';
import { setupHandlers } from './handlers/setup';
import { sourceHandlers } from './handlers/sources';
import { trustHandlers } from './handlers/trust';
import { RunQueue } from './runQueue';

const handlers: Handlers = {
  ...planHandlers,
  ...runHandlers,
  ...backupHandlers,
  ...historyHandlers,
  ...changesHandlers,
  ...trustHandlers,
  ...driveHandlers,
  ...settingsHandlers,
  ...timelineHandlers,
  ...setupHandlers,
  ...sourceHandlers,
  ...remoteHandlers,
};

/** Puts a schema's complaints in one sentence: "plan: use letters, digits...; sources: too small". */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const parts = issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'input'}: ${i.message}`);
  return `The request is not valid (${parts.join('; ')}).`;
}

export interface ServiceOptions {
  db: Db;
  now?: () => number;
  actor?: string;
  /** The one secret store (database passwords; Drive tokens through `drive` share it). */
  secrets: SecretStore;
  drive?: DriveAccess;
  /** The process's one job coordinator (a new one when not given). */
  jobs?: JobCoordinator;
}

/** The contract implemented over the engine: every transport (IPC, HTTP, tests) calls `call`. */
export class CairnService {
  readonly bus = new EventBus();
  readonly runs: RunQueue;
  readonly ctx: ServiceContext;
  private readonly changeListeners = new Set<() => void>();
  private readonly stopper = new AbortController();

  constructor(o: ServiceOptions) {
    const now = o.now ?? Date.now;
    const jobs = o.jobs ?? new JobCoordinator(now);
    this.runs = new RunQueue({
      db: o.db,
      now,
      bus: this.bus,
      secrets: o.secrets,
      jobs,
      drive: o.drive ?? null,
    });
    this.ctx = {
      db: o.db,
      now,
      actor: o.actor ?? 'ui',
      bus: this.bus,
      runs: this.runs,
      watch: null,
      notifyTest: null,
      loginItem: null,
      secrets: o.secrets,
      jobs,
      drive: o.drive ?? null,
      changed: () => {
        for (const l of this.changeListeners) l();
      },
      stopping: this.stopper.signal,
    };
  }

  /** The process is stopping: what waits gives up, and no call is taken any more (the catalog closes next). */
  stop(): void {
    this.stopper.abort();
  }

  /** Calls a method by name with untrusted input: validates it, runs it, and checks the answer. */
  async call(method: string, input: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return fail('not-found', `There is no method named "${method}".`);
    if (this.stopper.signal.aborted) return fail('unavailable', 'Cairn is stopping.');
    const spec = methods[method];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) return fail('invalid-input', describeIssues(parsed.error.issues));
    let value: unknown;
    try {
      value = await (handlers[method] as (i: unknown, c: ServiceContext) => unknown)(parsed.data, this.ctx);
    } catch (e) {
      return toFailure(e);
    }
    const out = spec.output.safeParse(value);
    if (!out.success)
      return fail(
        'internal',
        `Cairn produced an answer it cannot stand behind: ${describeIssues(out.error.issues)}`,
      );
    return ok(out.data);
  }

  /** The typed API (one function per method) over `call`, for in-process callers and tests. */
  api(): CairnApi {
    const api = {} as Record<MethodName, (i: unknown) => Promise<Result<unknown>>>;
    for (const m of Object.keys(methods) as MethodName[]) api[m] = (i) => this.call(m, i);
    return api as unknown as CairnApi;
  }

  /** Calls back when plans or settings change (the scheduler and watcher re-read them). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }
}
