import os from 'node:os';
import { Worker } from 'node:worker_threads';

/** One file to copy: the walker's lstat figures go along so the worker can tell whether it changed. */
export interface CopyJob {
  src: string;
  dst: string;
  mode: number;
  size: number;
  mtimeMs: number;
  detectSqlite: boolean;
}

export type CopyOutcome =
  | {
      kind: 'copied';
      sha256: string;
      size: number;
      changed: boolean;
      mtimeMs: number;
      ctimeMs: number;
      ino: string;
    }
  | { kind: 'sqlite' }
  | { kind: 'error'; code: string | null; message: string };

// The worker copies with synchronous calls and its own buffer: read, hash and write in one pass, then the
// source's mode and mtime on the copy. It is a string (run with eval) so that it works the same from the
// TypeScript sources under test and from the esbuild bundles, where a worker file path would differ.
const WORKER = String.raw`
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const NOFOLLOW = fs.constants.O_NOFOLLOW || 0;
function copy(j) {
  let sfd = -1, dfd = -1;
  try {
    sfd = fs.openSync(j.src, fs.constants.O_RDONLY | NOFOLLOW);
    const hash = createHash('sha256');
    let total = 0, first = true;
    // Read no more than the size the walk saw: a file that keeps growing (a busy log) would otherwise be
    // chased for ever. If it changed, the caller retries and then reports it.
    for (;;) {
      const n = fs.readSync(sfd, buf, 0, Math.min(CHUNK, Math.max(j.size - total, first ? 100 : 0)), null);
      if (first) {
        first = false;
        if (j.detectSqlite && n >= 100 && buf.subarray(0, 16).equals(MAGIC)) return { kind: 'sqlite' };
        dfd = fs.openSync(j.dst, 'wx', 0o600);
      }
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(dfd, buf, off, n - off);
      total += n;
    }
    const after = fs.fstatSync(sfd);
    fs.fchmodSync(dfd, j.mode);
    fs.futimesSync(dfd, after.atimeMs / 1000, after.mtimeMs / 1000);
    const changed = after.size !== j.size || after.mtimeMs !== j.mtimeMs || total !== j.size;
    return { kind: 'copied', sha256: hash.digest('hex'), size: total, changed, mtimeMs: after.mtimeMs,
      ctimeMs: after.ctimeMs, ino: after.dev + ':' + after.ino };
  } catch (e) {
    return { kind: 'error', code: (e && e.code) || null, message: String(e && e.message || e) };
  } finally {
    if (sfd >= 0) fs.closeSync(sfd);
    if (dfd >= 0) fs.closeSync(dfd);
  }
}
parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, results: m.jobs.map(copy) }));
`;

interface Pending {
  job: CopyJob;
  resolve: (o: CopyOutcome) => void;
  reject: (e: unknown) => void;
}

const BATCH = 16;

/**
 * Copies files on a few worker threads, so that creating files (slow on journaling file systems) overlaps
 * instead of queuing behind one thread. Jobs go in small batches to keep messaging cheap.
 */
export class CopyPool {
  private readonly workers: { w: Worker; busy: Map<number, Pending[]> }[] = [];
  private queue: Pending[] = [];
  private nextId = 1;
  private scheduled = false;
  private closed = false;
  private inFlight = 0;

  constructor(size = Math.min(4, Math.max(2, os.availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER, { eval: true });
      const slot = { w, busy: new Map<number, Pending[]>() };
      w.on('message', (m: { id: number; results: CopyOutcome[] }) => {
        const batch = slot.busy.get(m.id);
        if (!batch) return; // answered after close(), which already rejected it
        slot.busy.delete(m.id);
        this.inFlight -= batch.length;
        batch.forEach((p, k) => p.resolve(m.results[k]!));
        this.pump();
      });
      w.on('error', (e) => this.failAll(slot, e));
      this.workers.push(slot);
    }
  }

  /** Jobs submitted and not yet answered. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues one copy; resolves with what happened (errors are values, not rejections). */
  copy(job: CopyJob): Promise<CopyOutcome> {
    if (this.closed) return Promise.reject(new Error('copy pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.queue.length >= BATCH) this.pump();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump(true);
        });
      }
    });
  }

  private pump(flushPartial = false): void {
    for (const slot of this.workers) {
      if (this.queue.length === 0) return;
      if (slot.busy.size >= 2) continue; // one batch running, one waiting: enough to keep it fed
      if (this.queue.length < BATCH && !flushPartial && slot.busy.size > 0) continue;
      const batch = this.queue.splice(0, BATCH);
      const id = this.nextId++;
      slot.busy.set(id, batch);
      this.inFlight += batch.length;
      slot.w.postMessage({ id, jobs: batch.map((p) => p.job) });
    }
  }

  private failAll(slot: { busy: Map<number, Pending[]> }, e: unknown): void {
    for (const batch of slot.busy.values()) for (const p of batch) p.reject(e);
    slot.busy.clear();
  }

  /** Stops the workers; a copy cut short leaves a partial file that the caller removes. */
  async close(): Promise<void> {
    this.closed = true;
    const stop = new Error('copy pool closed');
    for (const p of this.queue) p.reject(stop);
    this.queue = [];
    for (const slot of this.workers) this.failAll(slot, stop);
    await Promise.all(this.workers.map((s) => s.w.terminate()));
  }
}
