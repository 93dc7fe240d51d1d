import type { Db } from '../catalog/db';
import { kvGet, kvSet } from '../catalog/kv';
import type { Notification, Notifier } from './types';

const KEY = 'service.notifyOutbox';
/** At most this many messages wait; past it the oldest goes (said in the log). */
export const OUTBOX_LIMIT = 200;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

/** A message owed to one channel, kept in the catalog until that channel accepts it. */
export interface Pending {
  channel: string;
  n: Notification;
  attempts: number;
  nextAt: number;
}

/** Wait before the next try after `attempts` failures: 30 s, 1 min, 2 min, ... at most an hour. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

export interface OutboxDeps {
  db: Db;
  /** The channels to use now (settings may have changed). */
  notifiers: () => Notifier[] | Promise<Notifier[]>;
  /** A channel refused a message (the first time for that message), or a message was dropped: log it. */
  onSendError: (channel: string, message: string) => void;
}

/**
 * Delivers every message at least once: each is stored per channel before it is sent, and stays until the
 * channel accepts it, retried with backoff (in order per channel) on each flush. A channel that is no longer
 * set up drops what it owed.
 */
export class Outbox {
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly d: OutboxDeps) {}

  /** What waits, oldest first. */
  pending(): Pending[] {
    return kvGet<Pending[]>(this.d.db, KEY) ?? [];
  }

  /** Stores a message for every channel set up now, then tries to send what is due. */
  post(n: Notification, now: number): Promise<void> {
    this.serial(() => this.store(n, now));
    return this.flush(now);
  }

  /** Sends what is due, one flush at a time. */
  flush(now: number): Promise<void> {
    return this.serial(() => this.flushNow(now));
  }

  /** Every change to the stored list runs one after another. */
  private serial(f: () => Promise<void>): Promise<void> {
    this.running = this.running.then(f, f);
    return this.running;
  }

  private async store(n: Notification, now: number): Promise<void> {
    const channels = await this.d.notifiers();
    const all = [
      ...this.pending(),
      ...channels.map((c) => ({ channel: c.name, n, attempts: 0, nextAt: now })),
    ];
    const over = all.length - OUTBOX_LIMIT;
    for (const p of all.slice(0, Math.max(0, over)))
      this.d.onSendError(p.channel, `Too many messages waiting; dropped "${p.n.title}".`);
    this.save(all.slice(Math.max(0, over)));
  }

  private async flushNow(now: number): Promise<void> {
    const queue = this.pending();
    if (!queue.length) return;
    const channels = new Map((await this.d.notifiers()).map((c) => [c.name, c]));
    const blocked = new Set<string>(); // a channel keeps its order: after one waits, the rest wait too
    const keep: Pending[] = [];
    for (const p of queue) {
      const ch = channels.get(p.channel);
      if (!ch) continue; // no longer set up
      if (blocked.has(p.channel) || p.nextAt > now) {
        blocked.add(p.channel);
        keep.push(p);
        continue;
      }
      try {
        await ch.send(p.n);
      } catch (e) {
        if (p.attempts === 0) this.d.onSendError(p.channel, e instanceof Error ? e.message : String(e));
        blocked.add(p.channel);
        keep.push({ ...p, attempts: p.attempts + 1, nextAt: now + retryDelay(p.attempts + 1) });
      }
    }
    this.save(keep);
  }

  private save(all: Pending[]): void {
    kvSet(this.d.db, KEY, all);
  }
}
