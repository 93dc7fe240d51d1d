import { CairnError, type CairnErrorCode } from '../errors';

/** A Drive failure in plain words, with Google's reason kept for the status and the tests. */
export class DriveError extends CairnError {
  constructor(
    code: CairnErrorCode,
    message: string,
    /** Google's reason (`storageQuotaExceeded`, `invalid_grant`, ...), or a Cairn one (`checksum`). */
    readonly reason: string,
    readonly status: number | null = null,
    /** For `drive-limit`: when trying again makes sense (epoch ms). */
    readonly resumesAt: number | null = null,
  ) {
    super(code, message);
    this.name = 'DriveError';
  }
}

export const LINK_EXPIRED =
  'Drive link expired: reconnect with `cairn drive connect`. If your Google OAuth app is still in ' +
  '"Testing" mode, Google revokes its grant after 7 days: publish the app (Google Cloud console, ' +
  'OAuth consent screen, "Publish app") so the link lasts.';

/** The error when no Drive account is linked yet. */
export function notConnected(): DriveError {
  return new DriveError(
    'drive-auth',
    'Drive is not connected: run `cairn drive connect` first.',
    'not_connected',
  );
}

/** What an error from gaxios, the auth client or the socket says about the failed request. */
export interface ErrorDetails {
  status: number | null;
  /** Drive's `error.errors[0].reason`, or the token endpoint's `error` (`invalid_grant`). */
  reason: string | null;
  message: string;
  /** No HTTP answer: the connection failed or was dropped. */
  network: boolean;
  /** How long Google's `Retry-After` header asks to wait (seconds or an HTTP date, against `now`), or null. */
  retryAfterMs: number | null;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

function asRecord(v: unknown): Record<string, unknown> | null {
  if (typeof v === 'string') {
    try {
      return asRecord(JSON.parse(v));
    } catch {
      return null;
    }
  }
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
}

/** A response header from gaxios (a fetch `Headers`, or a plain object in older answers). */
function header(headers: unknown, name: string): string | null {
  if (headers && typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const v = asRecord(headers)?.[name];
  return typeof v === 'string' ? v : null;
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Reads status, reason, message and Retry-After (against `now`) out of any error a Drive call can throw. */
export function errorDetails(e: unknown, now = 0): ErrorDetails {
  const err = asRecord(e) ?? {};
  const response = asRecord(err.response);
  const retryAfterMs = parseRetryAfter(header(response?.headers, 'retry-after'), now);
  const status = typeof response?.status === 'number' ? response.status : null;
  const data = asRecord(response?.data);
  const apiError = asRecord(data?.error);
  const first = Array.isArray(apiError?.errors) ? asRecord(apiError.errors[0]) : null;
  const oauthError = typeof data?.error === 'string' ? data.error : null;
  const reason = (typeof first?.reason === 'string' ? first.reason : null) ?? oauthError;
  const message =
    (typeof apiError?.message === 'string' ? apiError.message : null) ??
    (typeof data?.error_description === 'string' ? data.error_description : null) ??
    (e instanceof Error ? e.message : String(e));
  let network = false;
  if (status === null) {
    for (let c: unknown = e, i = 0; c && i < 5; c = (c as { cause?: unknown }).cause, i++) {
      const code = (c as { code?: unknown }).code;
      if (typeof code === 'string' && NETWORK_CODES.has(code)) network = true;
      const msg = (c as { message?: unknown }).message;
      if (
        typeof msg === 'string' &&
        /socket hang up|premature close|network|terminated|other side closed/i.test(msg)
      ) {
        network = true;
      }
    }
  }
  return { status, reason, message, network, retryAfterMs };
}

const RATE_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);
const LIMIT_REASONS = new Set(['uploadLimitExceeded', 'dailyLimitExceeded']);

/** What to do after a failed request: try again later, refresh the token first, or stop. */
export type Verdict = 'retry' | 'refresh' | 'fatal';

/** Sorts a failure by Google's guidance: back off on 429, 5xx and rate-limit 403s; refresh on 401. */
export function verdict(d: ErrorDetails): Verdict {
  if (d.reason === 'invalid_grant') return 'fatal';
  if (d.network) return 'retry';
  if (d.status === 401) return 'refresh';
  if (d.status === 408 || d.status === 429 || (d.status !== null && d.status >= 500)) return 'retry';
  if (d.status === 403 && d.reason !== null && RATE_REASONS.has(d.reason)) return 'retry';
  return 'fatal';
}

/** Whether a failure is a rate limit (which, when it persists, becomes a wait rather than a failure). */
export function isRateLimit(d: ErrorDetails): boolean {
  return d.status === 429 || (d.status === 403 && d.reason !== null && RATE_REASONS.has(d.reason));
}

/**
 * Whether a failure is, or (when it outlasts every retry) stands for, Google's daily limit: the 750 GB a
 * rolling day upload cap answers 403 `userRateLimitExceeded` (or `rateLimitExceeded`), not only the
 * documented `uploadLimitExceeded` / `dailyLimitExceeded`.
 */
export function isDailyLimit(d: ErrorDetails): boolean {
  return d.status === 403 && d.reason !== null && (RATE_REASONS.has(d.reason) || LIMIT_REASONS.has(d.reason));
}

/** "HH:MM" in local time, for "resumes about HH:MM". */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Which of Google's limits a push waits for. */
export type LimitKind = 'daily' | 'rate';

/** The message of a push waiting for Google's limit; the status and the UI say it as it is. */
export function waitingMessage(kind: LimitKind, resumesAt: number): string {
  return `Waiting for Google's ${kind === 'daily' ? 'daily' : 'rate'} limit, resumes about ${clockTime(resumesAt)}.`;
}

/** The error that makes a push wait for Google's limit and try again by itself at `resumesAt`. */
export function limitError(
  reason: string,
  status: number | null,
  resumesAt: number,
  kind: LimitKind = 'daily',
): DriveError {
  return new DriveError('drive-limit', waitingMessage(kind, resumesAt), reason, status, resumesAt);
}

/** How long to wait before trying again after Google's limits. */
export interface LimitWaits {
  /**
   * Google's daily limit (uploadLimitExceeded, dailyLimitExceeded, or a 403 rate limit that outlasted every
   * retry): the 750 GB cap is a rolling day, so Cairn tries one request again after this long.
   */
  uploadLimitMs: number;
  /** A 429 that outlasted every retry. */
  rateLimitMs: number;
  /** A Retry-After longer than this is not slept inside a request: the push waits (persisted) instead. */
  longRetryAfterMs: number;
}

export const DEFAULT_WAITS: LimitWaits = {
  uploadLimitMs: 60 * 60_000,
  rateLimitMs: 10 * 60_000,
  longRetryAfterMs: 5 * 60_000,
};

/** The wait error for a limit that retrying did not fix: until Retry-After says, or the kind's wait. */
export function waitError(d: ErrorDetails, now: number, waits: LimitWaits): DriveError {
  const kind: LimitKind = isDailyLimit(d) ? 'daily' : 'rate';
  const wait = d.retryAfterMs ?? (kind === 'daily' ? waits.uploadLimitMs : waits.rateLimitMs);
  return limitError(d.reason ?? 'rateLimitExceeded', d.status, now + wait, kind);
}

/**
 * Turns a failure that retrying did not fix into a typed DriveError with one plain sentence.
 * `what` names the operation ("upload pack-1.tar.gz").
 */
export function toDriveError(
  e: unknown,
  what: string,
  now: number,
  waits: LimitWaits = DEFAULT_WAITS,
): DriveError {
  if (e instanceof DriveError) return e;
  const d = errorDetails(e, now);
  if (d.reason === 'invalid_grant')
    return new DriveError('drive-auth', LINK_EXPIRED, 'invalid_grant', d.status);
  if (d.reason === 'storageQuotaExceeded') {
    return new DriveError(
      'drive-quota',
      'Your Google Drive is full: free up space or get more storage, then push again. Local backups are untouched.',
      d.reason,
      d.status,
    );
  }
  if (isDailyLimit(d) || isRateLimit(d)) return waitError(d, now, waits);
  if (d.status === 401 || d.status === 403) {
    return new DriveError(
      'drive-auth',
      `Google refused access to Drive (${d.message}); reconnect with \`cairn drive connect\`.`,
      d.reason ?? 'authError',
      d.status,
    );
  }
  if (d.status === 404) {
    return new DriveError(
      'not-found',
      `Could not ${what}: it is no longer on Drive.`,
      d.reason ?? 'notFound',
      404,
    );
  }
  const cause = d.network ? 'the connection to Google failed' : d.message;
  return new DriveError(
    'drive',
    `Could not ${what} on Google Drive (${cause}); Cairn tries again at the next push.`,
    d.reason ?? (d.network ? 'network' : 'unknown'),
    d.status,
  );
}
