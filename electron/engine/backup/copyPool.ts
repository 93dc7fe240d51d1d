import { LanePool, workerFile } from './lanePool';

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

/**
 * Copy threads (copyWorker.ts): files of one folder on one thread, folders side by side (see LanePool).
 * `copied` (a SharedArrayBuffer of one BigInt64) counts the bytes written as they are, inside a file too,
 * so progress moves while one large file copies.
 */
export function copyPool(size?: number, copied?: SharedArrayBuffer): LanePool<CopyJob, CopyOutcome> {
  return new LanePool<CopyJob, CopyOutcome>(workerFile('copy'), size, undefined, { copied });
}
