import { LanePool, workerFile } from './lanePool';

/**
 * One file to copy: the walker's lstat figures go along so the worker can tell whether it changed; -1 in
 * all three for a file the walk did not stat (the worker then takes them from the open file).
 */
export interface CopyJob {
  kind?: 'copy';
  src: string;
  dst: string;
  mode: number;
  size: number;
  mtimeMs: number;
  detectSqlite: boolean;
}

/**
 * Files of one folder that the previous backup holds unchanged, by the walk's reckoning, to hard-link from it:
 * `from/<name>` to `to/<name>` for each name, in one message and one answer (a no-change backup sends one job
 * per folder, not one per file). The thread first lstats `src/<name>` and links only when the source still
 * has the previous backup's figures (`size`, `mtimeMs`, `ctimeMs`, `mode`, `ino` by index); otherwise it
 * answers CHANGED for that name and the walk copies it.
 */
export interface LinkJob {
  kind: 'link';
  src: string;
  from: string;
  to: string;
  names: string[];
  size: number[];
  mtimeMs: number[];
  ctimeMs: number[];
  mode: number[];
  ino: string[];
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
      /** The permission bits the copy was given. */
      mode: number;
    }
  | { kind: 'sqlite' }
  | { kind: 'error'; code: string | null; message: string };

/**
 * What a link job answers: the names that could not be linked, as [index in names, errno code] pairs (empty
 * when all were linked). The job stops at the first error that is not a reason to copy instead (disk full):
 * names after it are not linked and are left out of the answer, so the caller must treat it as fatal.
 */
export type LinkOutcome = { kind: 'linked'; failed: [number, string][] };

/**
 * Copy threads (copyWorker.ts): files of one folder on one thread, folders side by side (see LanePool).
 * Copies and links both: a folder's new and unchanged files are created by the same thread.
 * `copied` (a SharedArrayBuffer of one BigInt64) counts the bytes written as they are, inside a file too,
 * so progress moves while one large file copies.
 */
export function copyPool(
  size?: number,
  copied?: SharedArrayBuffer,
): LanePool<CopyJob | LinkJob, CopyOutcome | LinkOutcome> {
  return new LanePool<CopyJob | LinkJob, CopyOutcome | LinkOutcome>(workerFile('copy'), size, undefined, {
    copied,
  });
}
