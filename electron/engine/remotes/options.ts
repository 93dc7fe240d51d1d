import type { BackoffPolicy, Clock } from '../drive/pacing';
import type { RetryNotice } from '../drive/transport';

/** What every path-based store (S3, rclone) takes besides its own settings. */
export interface StoreOptions {
  /** Injected so backoff waits run instantly in tests. */
  clock?: Clock;
  /** Retry policy, Drive's DEFAULT_BACKOFF unless given. */
  backoff?: Partial<BackoffPolicy>;
  /** Gives up on a request the store has not answered (no byte moving) within this long. */
  timeoutMs?: number;
  /** Told of each retry about to happen (for progress and status). */
  onRetry?: (n: RetryNotice) => void;
  /** A status look: one try of each request, answered within ~1.5 s. */
  quick?: boolean;
}

/** How long a quick (status) request may take. */
export const QUICK_TIMEOUT_MS = 1500;
