// Room on the backup disk: free bytes from statfs, and how fast the backups fill it, from the catalog.
import fs from 'node:fs';
import type { BackupRecord } from '../catalog/backups';

/** Free (for this user) and total bytes of the file system holding `dir`, or null when it cannot be read. */
export type StatFs = (dir: string) => { freeBytes: number; totalBytes: number } | null;

/** fs.statfsSync: the real disk. Tests pass their own. */
export const diskStatFs: StatFs = (dir) => {
  try {
    const s = fs.statfsSync(dir);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
};

const DAY = 24 * 3600_000;
/** The growth is measured over the backups of the last 14 days. */
export const GROWTH_WINDOW_MS = 14 * DAY;

/**
 * Bytes a day the plan's backups add to its disk: the new (copied, not linked) bytes of the backups after
 * the oldest one of the last 14 days, over the time since that one. Null with less than half a day of
 * history (a first backup is the base, not growth).
 */
export function growthPerDay(good: BackupRecord[], now: number): number | null {
  const recent = good.filter((b) => b.finishedAt >= now - GROWTH_WINDOW_MS);
  if (recent.length < 2) return null;
  const oldest = recent.reduce((a, b) => (b.finishedAt < a.finishedAt ? b : a));
  const span = Math.max(...recent.map((b) => b.finishedAt)) - oldest.finishedAt;
  if (span < DAY / 2) return null;
  const added = recent.filter((b) => b !== oldest).reduce((n, b) => n + b.newBytes, 0);
  return (added / span) * DAY;
}

/** Days until `freeBytes` are used up at `perDay` bytes a day; null when the backups do not grow. */
export function daysUntilFull(freeBytes: number, perDay: number | null): number | null {
  return perDay && perDay > 0 ? freeBytes / perDay : null;
}
