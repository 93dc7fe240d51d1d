import type { BackupProgress } from '../../electron/engine/backup/run';
import { noCounts } from '../../electron/engine/backup/walk';

/** A backup's counts before anything is walked. */
export const NO_COUNTS = noCounts();

/** When the sample run started. */
export const T0 = 1_700_000_000_000;

/** A backup's progress as the engine reports it: ten files walked, nothing copied, the total not counted. */
export function sampleProgress(over: Partial<BackupProgress> = {}): BackupProgress {
  return {
    planName: 'home',
    stamp: '2026-01-10_020000',
    startedAt: T0,
    ...NO_COUNTS,
    files: 10,
    dirs: 1,
    currentPath: 'home/a',
    bytesDone: 0,
    totalFiles: 10,
    totalBytes: 0,
    counted: false,
    ...over,
  };
}
