import type { OAuth2Client } from 'google-auth-library';
import { CairnError } from '../errors';
import { errorDetails, toDriveError, verdict, type ErrorDetails, type LimitWaits } from './errors';
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
}

/**
 * Runs Drive requests the way Google asks clients to: paced, retried with exponential backoff and jitter
 * on 429, 5xx, rate-limit 403s and dropped connections, and with one token refresh on a 401. The
 * googleapis client retries no POST and refreshes on 401 only with forceRefreshOnFailure (never with a
 * stream body), so Cairn does all of it here, with its own clock.
 */
export class Transport {
  readonly stats: DriveStats = {
    requests: 0,
    retries: 0,
    refreshes: 0,
    bytesUploaded: 0,
    bytesDownloaded: 0,
  };

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
    let refreshed = false;
    const max = this.o.backoff.maxAttempts;
    for (let n = 0; n < max + 1; n++) {
      if (opts.signal?.aborted) throw new CairnError('cancelled', 'The Drive transfer was cancelled.');
      await this.o.pacer.request(opts.signal);
      this.stats.requests++;
      let failure: unknown;
      try {
        return await attempt(n);
      } catch (e) {
        failure = e;
      }
      if (failure instanceof CairnError) throw failure;
      if (opts.signal?.aborted) throw new CairnError('cancelled', 'The Drive transfer was cancelled.');
      const d = errorDetails(failure);
      const v = verdict(d);
      if (v === 'refresh' && !refreshed) {
        refreshed = true;
        await this.refresh();
      } else if (v === 'retry' && n + 1 < max) {
        const delayMs = backoffDelay(n, this.o.backoff);
        this.stats.retries++;
        this.o.onRetry?.({ what, attempt: n + 1, delayMs, details: d });
        await this.o.clock.sleep(delayMs, opts.signal);
      } else {
        throw toDriveError(failure, what, this.o.clock.now(), this.o.waits);
      }
      if (opts.beforeRetry) {
        const found = await opts.beforeRetry(d);
        if (found !== undefined) return found;
      }
    }
    throw new CairnError('io', `Could not ${what} on Google Drive after ${max} attempts.`);
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
