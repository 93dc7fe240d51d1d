import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths';
import type { LaneAnswer, LaneBatch } from './laneWorker';

/** Called once per job: with an error (the job threw, or the pool was closed) or the job's result. */
export type Done<R> = (err: Error | null, result?: R) => void;

interface Pending<J, R> {
  job: J;
  lane: string;
  done: Done<R>;
}

interface Slot<J, R> {
  w: Worker;
  queue: Pending<J, R>[];
  busy: Map<number, Pending<J, R>[]>;
  load: number;
}

/** Copy threads for this machine: two at least (file creation overlaps), four at most. */
function defaultThreads(): number {
  return Math.min(4, Math.max(2, os.availableParallelism()));
}

/**
 * The bundled worker entry `name` (scripts/build.mjs): dist/workers/<name>.cjs under Cairn's package folder,
 * found from this module's file as the CLI's chunks, the Electron main bundle and app.asar all place it.
 */
export function workerFile(name: string): string {
  // From the TypeScript sources (vitest) too: Node cannot run a .ts worker, so it runs the one built in dist/
  // (test/globalSetup.ts builds before the tests).
  const root = packageRoot(fileURLToPath(import.meta.url));
  const file = root && path.join(root, 'dist', 'workers', `${name}.cjs`);
  if (!file || !fs.existsSync(file))
    throw new Error(`Cairn's ${name} worker is not built; run: npm run build`);
  return file;
}

/**
 * Runs file jobs on a few worker threads. Every job names a lane (the folder it writes into): while a lane
 * has jobs in flight they all go to the same thread, so no two threads create files in one folder at once
 * (they would contend on the folder's lock in the kernel, which costs more than it gains), while different
 * folders are written side by side. Jobs travel in batches (`batch` at most) to keep messaging cheap.
 *
 * `file` is the worker's script (see workerFile): it calls serveLanes (laneWorker.ts) with a function that
 * returns a structured-cloneable result for a job; a job that throws rejects its promise with the message.
 */
export class LanePool<J, R> {
  private readonly slots: Slot<J, R>[] = [];
  private readonly lanes = new Map<string, { slot: Slot<J, R>; count: number }>();
  private nextId = 1;
  private scheduled = false;
  private closed = false;
  private count = 0;

  constructor(
    file: string,
    size = defaultThreads(),
    private readonly batch = 16,
    /** Given to every thread as its workerData (a shared counter, say). */
    workerData?: unknown,
  ) {
    for (let i = 0; i < size; i++) {
      const slot: Slot<J, R> = { w: new Worker(file, { workerData }), queue: [], busy: new Map(), load: 0 };
      slot.w.on('message', (m: LaneAnswer<R>) => {
        const batch = slot.busy.get(m.id);
        if (!batch) return; // answered after close(), which already rejected it
        slot.busy.delete(m.id);
        for (let k = 0; k < batch.length; k++) {
          const p = batch[k]!;
          this.release(slot, p);
          const r = m.results[k]!;
          if (typeof r === 'object' && r !== null && '__laneError' in r) p.done(new Error(r.__laneError));
          else p.done(null, r as R);
        }
        this.pump(slot, true);
      });
      slot.w.on('error', (e) => this.failAll(slot, e));
      this.slots.push(slot);
    }
  }

  /** Jobs submitted and not yet answered. */
  get pending(): number {
    return this.count;
  }

  /** Queues a job on its lane's thread (or the least loaded one when the lane is idle). */
  run(job: J, lane: string): Promise<R> {
    return new Promise<R>((resolve, reject) =>
      this.submit(job, lane, (err, r) => (err ? reject(err) : resolve(r!))),
    );
  }

  /** As run(), with a callback: no promise per job, for callers that hand over many small jobs. */
  submit(job: J, lane: string, done: Done<R>): void {
    if (this.closed) return done(new Error('worker pool closed'));
    let l = this.lanes.get(lane);
    if (!l) {
      let slot = this.slots[0]!;
      for (const s of this.slots) if (s.load < slot.load) slot = s;
      l = { slot, count: 0 };
      this.lanes.set(lane, l);
    }
    l.count++;
    const slot = l.slot;
    slot.load++;
    this.count++;
    slot.queue.push({ job, lane, done });
    if (slot.queue.length >= this.batch) this.pump(slot, false);
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        for (const s of this.slots) this.pump(s, true);
      });
    }
  }

  private release(slot: Slot<J, R>, p: Pending<J, R>): void {
    slot.load--;
    this.count--;
    const l = this.lanes.get(p.lane);
    if (l && --l.count === 0) this.lanes.delete(p.lane);
  }

  private pump(slot: Slot<J, R>, flushPartial: boolean): void {
    // One batch running and one waiting keeps a thread fed.
    while (slot.queue.length > 0 && slot.busy.size < 2) {
      if (slot.queue.length < this.batch && !flushPartial && slot.busy.size > 0) return;
      const batch = slot.queue.splice(0, this.batch);
      const id = this.nextId++;
      slot.busy.set(id, batch);
      const message: LaneBatch<J> = { id, jobs: batch.map((p) => p.job) };
      slot.w.postMessage(message);
    }
  }

  private failAll(slot: Slot<J, R>, e: unknown): void {
    const all = [...slot.busy.values()].flat().concat(slot.queue);
    slot.busy.clear();
    slot.queue = [];
    const err = e instanceof Error ? e : new Error(String(e));
    for (const p of all) {
      this.release(slot, p);
      p.done(err);
    }
  }

  /** Stops the threads; jobs not answered are rejected (a job cut short may leave a partial file). */
  async close(): Promise<void> {
    this.closed = true;
    const stop = new Error('worker pool closed');
    for (const slot of this.slots) this.failAll(slot, stop);
    await Promise.all(this.slots.map((s) => s.w.terminate()));
  }
}
