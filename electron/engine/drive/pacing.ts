import { Readable } from 'node:stream';
import { CairnError } from '../errors';

/** Time, injected so backoff and pacing tests run instantly. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(cancelled());
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener('abort', abort);
        resolve();
      }
      function abort() {
        clearTimeout(t);
        reject(cancelled());
      }
      signal?.addEventListener('abort', abort, { once: true });
    }),
};

function cancelled(): CairnError {
  return new CairnError('cancelled', 'The Drive transfer was cancelled.');
}

/** How retries back off: Google's recommended truncated exponential backoff with jitter. */
export interface BackoffPolicy {
  /** Attempts per request before giving up (the first try included). */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** 0..1, injected for deterministic tests. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  maxAttempts: 8,
  baseMs: 1000,
  maxMs: 64_000,
  random: Math.random,
};

/** The wait before retry number `attempt` (0-based): min(max, base * 2^attempt), plus up to one base of jitter. */
export function backoffDelay(attempt: number, p: BackoffPolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** attempt) + Math.floor(p.random() * p.baseMs);
}

/**
 * Spaces requests (about 10 per second by default) and upload bytes (an optional bandwidth limit), so
 * Cairn lives within Google's limits instead of bouncing off them.
 */
export class Pacer {
  private nextRequestAt = 0;
  private bytesFreeAt = 0;

  constructor(
    private readonly clock: Clock,
    readonly requestsPerSecond: number,
    /** Upload bytes per second, or null for no limit. */
    readonly bytesPerSecond: number | null,
  ) {}

  /** Waits for this request's turn. */
  async request(signal?: AbortSignal): Promise<void> {
    if (this.requestsPerSecond <= 0) return;
    const now = this.clock.now();
    const at = Math.max(now, this.nextRequestAt);
    this.nextRequestAt = at + 1000 / this.requestsPerSecond;
    if (at > now) await this.clock.sleep(at - now, signal);
  }

  /** Waits until `n` more bytes may be sent under the bandwidth limit (bursts up to a quarter second). */
  async bytes(n: number, signal?: AbortSignal): Promise<void> {
    if (!this.bytesPerSecond) return;
    const now = this.clock.now();
    const start = Math.max(now - 250, this.bytesFreeAt);
    this.bytesFreeAt = start + (n / this.bytesPerSecond) * 1000;
    if (this.bytesFreeAt > now + 250) await this.clock.sleep(this.bytesFreeAt - now - 250, signal);
  }

  /** A stream of `data` in 64 KiB slices that honours the bandwidth limit and reports each slice sent. */
  throttled(data: Buffer, onSent: (n: number) => void, signal?: AbortSignal): Readable {
    const slice = 64 * 1024;
    const slices = async function* (pacer: Pacer) {
      for (let off = 0; off < data.length; off += slice) {
        const part = data.subarray(off, Math.min(off + slice, data.length));
        await pacer.bytes(part.length, signal);
        onSent(part.length);
        yield part;
      }
    };
    return Readable.from(slices(this), { objectMode: false });
  }
}
