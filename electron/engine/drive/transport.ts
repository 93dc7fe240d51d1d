import type { OAuth2Client } from 'google-auth-library';
import { CairnError } from '../errors';
import {
  DriveError,
  errorDetails,
  isDailyLimit,
  toDriveError,
  verdict,
  waitError,
  type ErrorDetails,
  type LimitWaits,
} from './errors';
import { backoffDelay, type BackoffPolicy, type Clock, type Pacer } from './pacing';

/** Counters a push reports and tests assert. */
export interface DriveStats {
  /** HTTP requests made to Drive (token refreshes excluded). */
  requests: number;
  retries: number;
  refreshes: number;
  /** Upload body bytes handed to the connection, resent bytes included. */
  bytesUploaded: number;
  bytesDownloaded: number;
}

/** Stats of a store that has made no request yet. */
export function emptyStats(): DriveStats {
  return { requests: 0, retries: 0, refreshes: 0, bytesUploaded: 0, bytesDownloaded: 0 };
}

/** A retry about to happen, for progress and status ("Google asked Cairn to slow down"). */
export interface RetryNotice {
  what: string;
  attempt: number;
  delayMs: number;
  details: ErrorDetails;
}

export interface TransportOptions {
  auth: OAuth2Client;
  clock: Clock;
  pacer: Pacer;
  backoff: BackoffPolicy;
  /** How long Google's limits are assumed to last before trying again. */
  waits: LimitWaits;
  onRetry?: (n: RetryNotice) => void;
  /** Access-token refreshes this transport (one push) may make; default DEFAULT_MAX_REFRESHES. */
  maxRefreshes?: number;
}

/** Refreshes one push may make: Google may answer 401 to any request, but not to every one. */
export const DEFAULT_MAX_REFRESHES = 10;

/**
 * Runs Drive requests the way Google asks clients to: paced, retried with exponential backoff and jitter
 * on 429, 5xx, rate-limit 403s and dropped connections, and with a token refresh on each 401 (a bounded
 * number per push, and only when the failed request used the current token, so concurrent 401s share one
 * refresh). The
 * googleapis client retries no POST and refreshes on 401 only with forceRefreshOnFailure (never with a
 * stream body), so Cairn does all of it here, with its own clock.
 */
export class Transport {
  readonly stats: DriveStats = emptyStats();

  /** The refresh under way, which concurrent 401s wait for instead of refreshing again. */
  private refreshing: Promise<void> | null = null;

  /**
   * Set once Google's daily limit stopped a request: the next tries are probes, and a daily-limit answer
   * goes back to waiting at once instead of backing off for minutes. Cleared when an upload gets bytes through.
   */
  probing = false;

  constructor(readonly o: TransportOptions) {}

  /**
   * Runs `attempt` until it succeeds or fails for good (then a typed DriveError). `attempt` gets the attempt
   * number; `beforeRetry` runs before each retry (a create looks for the file the failed try may have made)
   * and makes its own requests through `run`.
   */
  async run<T>(
    what: string,
    attempt: (n: number) => Promise<T>,
    opts: { signal?: AbortSignal; beforeRetry?: (d: ErrorDetails) => Promise<T | undefined> } = {},
  ): Promise<T> {
    const max = this.o.backoff.maxAttempts;
    for (let n = 0; n < max + 1; n++) {
      if (opts.signal?.aborted) throw new CairnError('cancelled', 'The Drive transfer was cancelled.');
      await this.o.pacer.request(opts.signal);
      this.stats.requests++;
      const token = this.o.auth.credentials.access_token ?? null;
      const sentBefore = this.stats.bytesUploaded;
      let failure: unknown;
      try {
        const r = await attempt(n);
        if (this.stats.bytesUploaded > sentBefore) this.probing = false;
        return r;
      } catch (e) {
        failure = e;
      }
      if (failure instanceof CairnError) throw failure;
      if (opts.signal?.aborted) throw new CairnError('cancelled', 'The Drive transfer was cancelled.');
      const now = this.o.clock.now();
      const d = errorDetails(failure, now);
      const v = verdict(d);
      if (v === 'refresh' && n + 1 < max) {
        await this.refreshAfter401(token, d);
      } else if (v === 'refresh') {
        throw stillRefused(d, `${max} attempts to ${what}`);
      } else if (v === 'retry' && n + 1 < max && !this.waitsNow(d)) {
        // Google's Retry-After, when it gives one, is the wait; else truncated exponential backoff.
        const delayMs = d.retryAfterMs ?? backoffDelay(n, this.o.backoff);
        this.stats.retries++;
        this.o.onRetry?.({ what, attempt: n + 1, delayMs, details: d });
        await this.o.clock.sleep(delayMs, opts.signal);
      } else {
        throw this.failed(failure, d, what, now);
      }
      if (opts.beforeRetry) {
        const found = await opts.beforeRetry(d);
        if (found !== undefined) return found;
      }
    }
    throw new CairnError('io', `Could not ${what} on Google Drive after ${max} attempts.`);
  }

  /** A retryable failure that waits outside the request: a long Retry-After, or the daily limit while probing. */
  private waitsNow(d: ErrorDetails): boolean {
    if (d.retryAfterMs !== null && d.retryAfterMs > this.o.waits.longRetryAfterMs) return true;
    return this.probing && isDailyLimit(d);
  }

  /** The typed error for a failure that retrying did not (or should not) fix; the daily limit makes the next tries probes. */
  private failed(failure: unknown, d: ErrorDetails, what: string, now: number): DriveError {
    const e =
      verdict(d) === 'retry' && d.retryAfterMs !== null
        ? waitError(d, now, this.o.waits)
        : toDriveError(failure, what, now, this.o.waits);
    if (e.code === 'drive-limit' && isDailyLimit(d)) this.probing = true;
    return e;
  }

  /**
   * After a 401 of a request that used `token`: waits for a refresh under way, or retries with a token
   * refreshed since, or refreshes now while the push's budget lasts.
   */
  private async refreshAfter401(token: string | null, d: ErrorDetails): Promise<void> {
    if (this.refreshing) return this.refreshing;
    const current = this.o.auth.credentials.access_token ?? null;
    if (current !== null && current !== token) return;
    const budget = this.o.maxRefreshes ?? DEFAULT_MAX_REFRESHES;
    if (this.stats.refreshes >= budget) throw stillRefused(d, `${budget} token refreshes in this push`);
    this.refreshing = this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Gets a fresh access token now (after a 401); a revoked grant becomes "Drive link expired". */
  async refresh(): Promise<void> {
    this.stats.refreshes++;
    const auth = this.o.auth;
    auth.setCredentials({ ...auth.credentials, access_token: null, expiry_date: 1 });
    try {
      await auth.getAccessToken();
    } catch (e) {
      throw toDriveError(e, 'refresh the Drive access token', this.o.clock.now(), this.o.waits);
    }
  }
}

/** Google kept answering 401 although each refresh worked: the link holds, so the next push tries again. */
function stillRefused(d: ErrorDetails, after: string): DriveError {
  return new DriveError(
    'drive',
    `Google kept refusing the Drive access token (${d.message}) after ${after}; Cairn tries again at the next push. If this keeps happening, reconnect with \`cairn drive connect\`.`,
    d.reason ?? 'authError',
    d.status,
  );
}
