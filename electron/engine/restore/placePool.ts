import { LanePool, workerFile } from '../backup/lanePool';

/**
 * Files of one folder to restore from a local backup folder: each is read from srcDir/name, written to
 * `${tmpPrefix}${tmpBase + its index}.tmp` (see numberedTempName), checked, then renamed to dstDir/dstName.
 */
export interface PlaceChunk {
  srcDir: string;
  dstDir: string;
  names: string[];
  /** The names to give them, when not their own (a copy kept beside a different file). */
  dstNames: string[] | null;
  tmpPrefix: string;
  tmpBase: number;
  sizes: number[];
  shas: string[];
  modes: number[];
  mtimes: number[];
}

/**
 * Files of one folder as their manifest lines (a folder this restore made, so each file keeps its name):
 * the thread reads each line's name, size, mtime, mode and SHA-256 itself, which spares the main thread an
 * object per file. Each goes as in PlaceChunk; the line's path has no escapes (the main thread checks).
 */
export interface LineChunk {
  srcDir: string;
  dstDir: string;
  lines: string[];
  tmpPrefix: string;
  tmpBase: number;
}

/** Why a file did not land (nothing was put under its name). */
export type PlaceFailure =
  /** The backup copy's content differs from the manifest. */
  | { kind: 'mismatch'; message: string }
  /** src could not be opened: `missing` (ENOENT) or `symlink` (ELOOP: a symlink planted in the backup). */
  | { kind: 'source'; reason: 'missing' | 'symlink' | 'other'; message: string }
  | { kind: 'error'; code: string | null; message: string };

/** A chunk's answer: the bytes of the files that landed, alone when all did; else also the others, by index. */
export type PlaceOutcome = number | { bytes: number; failures: [number, PlaceFailure][] };

export type RestoreThreads = LanePool<PlaceChunk | LineChunk, PlaceOutcome>;

/**
 * Restore threads (placeWorker.ts): files of one folder on one thread, folders side by side (see LanePool);
 * up to four chunks of small folders travel in one message.
 */
export function placePool(size?: number): RestoreThreads {
  return new LanePool<PlaceChunk | LineChunk, PlaceOutcome>(workerFile('place'), size, 4);
}
