// What every off-site store other than Drive takes besides its own settings (issue #18): the clock and backoff
// its retries use (electron/engine/drive/pacing.ts, the same as Drive's), a per-request timeout, and the
// retry notices a push reports.
import type { BackoffPolicy, Clock } from '../drive/pacing';
import type { RetryNotice } from '../drive/transport';

export interface StoreOptions {
  clock?: Clock;
  backoff?: Partial<BackoffPolicy>;
  timeoutMs?: number;
  onRetry?: (n: RetryNotice) => void;
  /** A status look: one try of each request, answered within ~1.5 s. */
  quick?: boolean;
}
