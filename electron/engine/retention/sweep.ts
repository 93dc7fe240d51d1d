// The trash of a plan (.cairn/trash): what no one needs any more goes there by a rename, and a sweep deletes
// it later, off the critical path of the command that put it there, on two threads side by side.
import fs from 'node:fs';
import path from 'node:path';
import { LanePool, workerFile } from '../backup/lanePool';
import { fsPath } from '../format/fsName';
import { trashIsEmpty } from '../format/trash';
import { finishSplit, splitTree, unlinkTree, type FsPath } from '../format/unlinkTree';

/** A subtree for a sweep thread: its path, or its bytes as a latin1 string when `raw` (a name not UTF-8). */
export interface SweepJob {
  dir: string;
  raw: boolean;
}

/** Threads that unlink side by side (the machine's disk does the rest). */
const THREADS = 2;
/** Subtrees to split a trash into, so the threads stay busy to the end. */
const SUBTREES = 64;

/** Refuses a trash that is not a plain folder named trash inside a .cairn folder (never sweep elsewhere). */
function checkTrash(trash: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(trash);
  } catch {
    return false;
  }
  const real = fs.realpathSync(trash);
  const meta = fs.realpathSync(path.dirname(trash));
  if (st.isSymbolicLink() || !st.isDirectory() || path.basename(trash) !== 'trash')
    throw new Error(`${trash} is not a trash folder; nothing was deleted`);
  if (path.basename(meta) !== '.cairn' || real !== path.join(meta, 'trash'))
    throw new Error(`${trash} is not a plan's trash folder; nothing was deleted`);
  return true;
}

/**
 * Empties a plan's trash (the folder stays): readdir with file types, unlink, rmdir bottom-up, subtrees on
 * two threads. Safe beside another sweep of the same trash and after one was killed midway. An abort stops
 * the threads; what is left waits for the next sweep.
 */
export async function sweepTrash(trash: string, signal?: AbortSignal): Promise<void> {
  if (!checkTrash(trash)) return;
  // Something moved in while the sweep ran (a prune beside it): go again, a few times at most.
  for (let round = 0; round < 3 && !trashIsEmpty(trash) && !signal?.aborted; round++) {
    const { subtrees, split } = splitTree(fsPath(trash), SUBTREES);
    await onThreads(subtrees, signal);
    finishSplit(split);
  }
}

/** Deletes the subtrees on the sweep threads, a few in flight per thread (inline when none is built). */
async function onThreads(subtrees: FsPath[], signal?: AbortSignal): Promise<void> {
  if (subtrees.length === 0) return;
  let file: string;
  try {
    file = workerFile('sweep');
  } catch {
    for (const s of subtrees) unlinkTree(s);
    return;
  }
  const threads = Math.min(THREADS, subtrees.length);
  const pool = new LanePool<SweepJob, null>(file, threads, 1);
  const stop = () => void pool.close();
  signal?.addEventListener('abort', stop);
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let inFlight = 0;
      let failed: Error | null = null;
      const feed = () => {
        while (!failed && next < subtrees.length && inFlight < threads * 2) {
          const p = subtrees[next++]!;
          const job =
            typeof p === 'string' ? { dir: p, raw: false } : { dir: p.toString('latin1'), raw: true };
          inFlight++;
          pool.submit(job, job.dir, (err) => {
            inFlight--;
            failed ??= err;
            feed();
          });
        }
        if (inFlight > 0) return;
        if (failed) reject(failed);
        else resolve();
      };
      feed();
    });
  } finally {
    signal?.removeEventListener('abort', stop);
    await pool.close();
  }
}
