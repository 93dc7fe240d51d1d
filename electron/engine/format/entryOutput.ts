import { escapeField, formatEntry, sameVersion, type ManifestEntry, type ManifestWriter } from './manifest';
import type { LineSink } from './lineSink';

/** An entry whose copy may still be running; `wait` settles when `entry` is known. */
export interface PendingEntry {
  entry: ManifestEntry | null;
  prev: ManifestEntry | null;
  wait?: Promise<void>;
  /** The manifest line of `entry` when it is `prev` unchanged (its line in the previous manifest). */
  line?: string;
}

/** Entries held back behind an unfinished copy before the walk waits for it. */
const MAX_QUEUE = 4096;

/**
 * Writes the walk's entries in walk order, so the manifest stays sorted while copies finish out of order:
 * each to the manifest, and to the changes file when it starts a new version or ends one.
 */
export class EntryOutput {
  private q: PendingEntry[] = [];

  constructor(
    private readonly manifest: ManifestWriter,
    private readonly changes: LineSink,
  ) {}

  /** Entries waiting behind a copy. */
  get pending(): number {
    return this.q.length;
  }

  /** Queues an entry whose copy is still running. */
  queue(slot: PendingEntry): void {
    this.q.push(slot);
  }

  /** Waits for the oldest entries when too many are queued (the walk must not run far ahead of its copies). */
  async bound(): Promise<void> {
    if (this.q.length >= MAX_QUEUE) await this.flush(false, MAX_QUEUE / 2);
  }

  /** Queues an entry; written in walk order as soon as everything before it is known. */
  async push(entry: ManifestEntry | null, prev: ManifestEntry | null): Promise<void> {
    if (this.q.length === 0) return this.write(entry, prev);
    this.q.push({ entry, prev });
    if (this.q.length >= MAX_QUEUE) await this.flush(false, MAX_QUEUE / 2);
  }

  /** Writes queued entries from the head: all of them (waiting for copies), down to a size, or what is ready. */
  async flush(all: boolean, downTo = 0): Promise<void> {
    while (this.q.length > downTo) {
      const head = this.q[0]!;
      if (head.wait && !all && downTo === 0) return;
      // A link that failed turns into a copy: `wait` is then replaced, and that copy is waited for too.
      while (head.wait) {
        const w = head.wait;
        await w;
        if (head.wait === w) head.wait = undefined;
      }
      this.q.shift();
      await this.write(head.entry, head.prev, head.entry === head.prev ? head.line : undefined);
    }
  }

  private async write(entry: ManifestEntry | null, prev: ManifestEntry | null, line?: string): Promise<void> {
    if (entry === null) {
      if (prev) await this.changes.add(`-${escapeField(prev.path)}`);
      return;
    }
    await this.manifest.add(entry, line);
    if (prev && sameVersion(prev, entry)) return;
    if (prev) await this.changes.add(`-${escapeField(prev.path)}`);
    await this.changes.add(`+${formatEntry(entry)}`);
  }
}
