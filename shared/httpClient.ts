import { eventNames, events, type CairnEvent, type EventName } from './cairnEvents';
import { httpRoute, methodNames, type CairnApi, type MethodName } from './contract';
import type { Result } from './result';

type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface HttpApiOptions {
  /** Where `cairn serve` answers, e.g. "http://127.0.0.1:8765" (the page's own origin in the browser). */
  baseUrl: string;
  /** The token from the address `cairn serve` printed (`#token=...`). */
  token: string;
  fetch?: Fetch;
}

/**
 * The contract over `cairn serve`'s HTTP: one function per method (routes derived from the contract),
 * errors as values, never thrown. The app's preload offers the same CairnApi over IPC.
 */
export function createHttpApi(o: HttpApiOptions): CairnApi {
  const doFetch: Fetch = o.fetch ?? ((u, i) => fetch(u, i));
  const base = o.baseUrl.replace(/\/+$/, '');
  const call = async (m: MethodName, input: unknown): Promise<Result<unknown>> => {
    let res: { status: number; json(): Promise<unknown> };
    try {
      res = await doFetch(base + httpRoute(m), {
        method: 'POST',
        headers: { Authorization: `Bearer ${o.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return {
        ok: false,
        error: { code: 'unreachable', message: 'Cairn is not reachable; is `cairn serve` running?' },
      };
    }
    if (res.status === 401) {
      return {
        ok: false,
        error: {
          code: 'unauthorized',
          message: 'The token is wrong or missing; open the address Cairn printed.',
        },
      };
    }
    try {
      return (await res.json()) as Result<unknown>;
    } catch {
      return {
        ok: false,
        error: { code: 'internal', message: `Cairn answered ${res.status} without JSON.` },
      };
    }
  };
  const api = {} as Record<MethodName, (i: unknown) => Promise<Result<unknown>>>;
  for (const m of methodNames) api[m] = (i) => call(m, i);
  return api as unknown as CairnApi;
}

/** The event stream's address (EventSource cannot send headers, so the token rides in the query). */
export function eventStreamUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/events?token=${encodeURIComponent(token)}`;
}

/** Checks one received event (SSE `event:` name and `data:` text) against its schema; null if unknown or bad. */
export function parseEvent(type: string, data: string): CairnEvent | null {
  if (!(eventNames as string[]).includes(type)) return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const r = events[type as EventName].safeParse(json);
  return r.success ? ({ type, data: r.data } as CairnEvent) : null;
}

/**
 * A query value holding a backup path as its bytes, percent-encoded: a name's bytes that are not UTF-8 (the
 * lone surrogates U+DC80..U+DCFF of Entry.name) become %80..%FF, which encodeURIComponent would refuse.
 */
export function encodePathParam(p: string): string {
  let out = '';
  for (const ch of p) {
    const c = ch.charCodeAt(0);
    out +=
      ch.length === 1 && c >= 0xdc80 && c <= 0xdcff
        ? `%${(c & 0xff).toString(16).toUpperCase()}`
        : encodeURIComponent(ch);
  }
  return out;
}

/** The address that downloads one file of a backup under `cairn serve` (the token rides in the query). */
export function downloadUrl(
  baseUrl: string,
  token: string,
  f: { plan: string; stamp: string; path: string },
): string {
  const q = `plan=${encodeURIComponent(f.plan)}&stamp=${encodeURIComponent(f.stamp)}&path=${encodePathParam(f.path)}`;
  return `${baseUrl.replace(/\/+$/, '')}/api/download?${q}&token=${encodeURIComponent(token)}`;
}
