// Retries and errors of an S3 remote: the same backoff as Drive (drive/pacing.ts), the SDK's own retries
// turned off (maxAttempts 1), and failures as DriveError (a CairnError) worded for S3, never "Drive".
import { CairnError } from '../errors';
import { DriveError, errorDetails, parseRetryAfter, type ErrorDetails } from '../drive/errors';
import { backoffDelay, type BackoffPolicy, type Clock } from '../drive/pacing';
import { emptyStats, type DriveStats, type RetryNotice } from '../drive/transport';

/** Which store a message names. */
export interface S3Where {
  /** The remote's name in Cairn. */
  name: string;
  /** "s3://bucket/prefix". */
  label: string;
  bucket: string;
}

/** Error codes S3 (and S3-compatible stores) answer when they want the client to slow down or try again. */
const RETRY_CODES = new Set([
  'SlowDown',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
  'TimeoutError',
  // Content-MD5 (or a part's ETag) did not match the bytes sent: damaged on the way, so send them again.
  'BadDigest',
]);
const AUTH_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'Forbidden',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);
const QUOTA_CODES = new Set([
  'QuotaExceeded',
  'StorageQuotaExceeded',
  'InsufficientStorage',
  'EntityTooLarge',
]);

interface SdkError {
  name?: unknown;
  Code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** Status, S3 error code, message, whether the connection failed, and Retry-After of an SDK failure. */
export function s3Details(e: unknown, now = 0): ErrorDetails {
  const r = (typeof e === 'object' && e !== null ? e : {}) as SdkError;
  const status = r.$metadata?.httpStatusCode ?? null;
  const code = typeof r.Code === 'string' ? r.Code : typeof r.name === 'string' ? r.name : null;
  const reason = code === 'Error' ? null : code;
  const message = typeof r.message === 'string' && r.message ? r.message : String(reason ?? e);
  const network = status === null && (reason === 'TimeoutError' || errorDetails(e).network);
  const retryAfterMs = parseRetryAfter(r.$response?.headers?.['retry-after'] ?? null, now);
  return { status, reason, message, network, retryAfterMs };
}

/** Whether trying again may help: 5xx, 429, SlowDown and its kin, a dropped connection, a timeout. */
export function retryable(d: ErrorDetails): boolean {
  if (d.network) return true;
  if (d.reason !== null && RETRY_CODES.has(d.reason)) return true;
  return d.status === 408 || d.status === 429 || (d.status !== null && d.status >= 500 && d.status !== 501);
}

function isAuth(d: ErrorDetails): boolean {
  return (d.reason !== null && AUTH_CODES.has(d.reason)) || d.status === 401 || d.status === 403;
}

/** The drive-auth error of a remote whose keys the store refused (or that has none). */
export function credentialsRefused(w: S3Where, why: string): DriveError {
  return new DriveError(
    'drive-auth',
    `S3 refused the credentials for remote ${w.name} (${w.label}): ${why}. Set them again with ` +
      `\`cairn remote add ${w.name} --s3 ${w.label} --access-key-id ID\` (the secret from ` +
      'AWS_SECRET_ACCESS_KEY or standard input), or give none to use AWS_ACCESS_KEY_ID or ~/.aws.',
    'credentials',
  );
}

/** A failure retrying did not (or should not) fix, as one plain sentence; `what` names the operation. */
export function toS3Error(e: unknown, what: string, w: S3Where, now = 0): CairnError {
  if (e instanceof CairnError) return e;
  const d = s3Details(e, now);
  const reason = d.reason ?? (d.network ? 'network' : 'unknown');
  if (d.reason === 'CredentialsProviderError') {
    return credentialsRefused(w, 'none are stored and the AWS SDK found none (environment, ~/.aws)');
  }
  if (isAuth(d)) {
    const e2 = credentialsRefused(w, `${d.reason ?? d.status}: ${d.message}`);
    return new DriveError(e2.code, e2.message, reason, d.status);
  }
  if (d.reason === 'NoSuchBucket') {
    return new DriveError(
      'not-found',
      `The bucket "${w.bucket}" of remote ${w.name} does not exist on that S3 endpoint: create it, or add the remote again with the right bucket.`,
      reason,
      d.status,
    );
  }
  if (d.status === 404 || d.reason === 'NoSuchKey' || d.reason === 'NotFound') {
    return new DriveError('not-found', `Could not ${what}: it is not on ${w.label}.`, reason, d.status);
  }
  if (d.status === 507 || (d.reason !== null && QUOTA_CODES.has(d.reason))) {
    return new DriveError(
      'drive-quota',
      `The store of remote ${w.name} (${w.label}) is full (${d.message}): free space or raise its quota, then push again. Local backups are untouched.`,
      reason,
      d.status,
    );
  }
  if (d.reason === 'BadDigest') {
    return new DriveError(
      'corrupt',
      `Could not ${what} on ${w.label}: the bytes kept arriving damaged (${d.message}); push again.`,
      'checksum',
      d.status,
    );
  }
  const cause = d.network
    ? 'the connection to the S3 endpoint failed'
    : `${d.reason ?? d.status}: ${d.message}`;
  return new DriveError(
    'drive',
    `Could not ${what} on ${w.label} (${cause}); Cairn tries again at the next push.`,
    reason,
    d.status,
  );
}

/** A damaged transfer (a part whose ETag is not the MD5 of what was sent): retried like S3's BadDigest. */
export function badDigest(message: string): Error {
  return Object.assign(new Error(message), { name: 'BadDigest' });
}

export function cancelled(w: S3Where): CairnError {
  return new CairnError('cancelled', `The transfer to ${w.label} was cancelled.`);
}

export interface CallsOptions {
  where: S3Where;
  clock: Clock;
  backoff: BackoffPolicy;
  onRetry?: (n: RetryNotice) => void;
  /** One try per request (a status look). */
  quick: boolean;
}

/** Runs S3 requests with Cairn's own retries and counts them. */
export class S3Calls {
  readonly stats: DriveStats = emptyStats();

  constructor(readonly o: CallsOptions) {}

  /** Runs `attempt` until it succeeds or fails for good (then a DriveError); `attempt` gets the try number. */
  async run<T>(what: string, attempt: (n: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const max = this.o.quick ? 1 : Math.max(1, this.o.backoff.maxAttempts);
    let last: unknown = null;
    for (let n = 0; n < max; n++) {
      if (signal?.aborted) throw cancelled(this.o.where);
      this.stats.requests++;
      try {
        return await attempt(n);
      } catch (e) {
        last = e;
      }
      if (last instanceof CairnError) throw last;
      if (signal?.aborted) throw cancelled(this.o.where);
      const now = this.o.clock.now();
      const d = s3Details(last, now);
      if (!retryable(d) || n + 1 >= max) break;
      const delayMs = d.retryAfterMs ?? backoffDelay(n, this.o.backoff);
      this.stats.retries++;
      this.o.onRetry?.({ what, attempt: n + 1, delayMs, details: d });
      await this.o.clock.sleep(delayMs, signal);
    }
    throw toS3Error(last, what, this.o.where, this.o.clock.now());
  }
}
