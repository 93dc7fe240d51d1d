// A backup whose size jumps: the newest good backup against the median of the (up to) 7 before it, and
// the top-level folders that grew most, from the catalog's file versions.
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';

/** A jump is more than this many times the median of the backups before it. */
export const JUMP_RATIO = 1.5;
const WINDOW = 7;
/** The median needs this many earlier backups to mean something. */
const MIN_HISTORY = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The backup at `at` (in a newest-first list) against the median of the 7 before it; null without history. */
export function growthRatio(good: BackupRecord[], at = 0): { ratio: number; median: number } | null {
  const before = good.slice(at + 1, at + 1 + WINDOW).map((b) => b.bytes);
  if (before.length < MIN_HISTORY) return null;
  const m = median(before);
  return m > 0 ? { ratio: good[at]!.bytes / m, median: m } : null;
}

/**
 * The newest backup when its size jumped past 1.5 times the median of the 7 before it, and the one before
 * did not (so a jump is told once, with the backup that made it, not again with every backup after it).
 */
export function sizeJump(
  good: BackupRecord[],
): { stamp: string; bytes: number; median: number; ratio: number } | null {
  const now = growthRatio(good, 0);
  if (!now || now.ratio <= JUMP_RATIO) return null;
  const before = growthRatio(good, 1);
  if (before && before.ratio > JUMP_RATIO) return null;
  return { stamp: good[0]!.stamp, bytes: good[0]!.bytes, median: now.median, ratio: now.ratio };
}

// The first two levels of a version's path ("home/Videos"): its source and the folder under it.
const TOP = `CASE WHEN instr(parent, '/') = 0 THEN parent
  ELSE substr(parent, 1, instr(parent, '/') + instr(substr(parent, instr(parent, '/') + 1) || '/', '/') - 1) END`;
const IN = (b: string) => `(first_backup <= ${b} AND (last_backup IS NULL OR last_backup >= ${b}))`;

/** The top-level folders whose files grew most from backup `prevId` to backup `id`, biggest first. */
export function grewMost(
  db: Db,
  planId: number,
  id: number,
  prevId: number,
  limit = 3,
): { folder: string; bytes: number }[] {
  return db
    .prepare(
      `SELECT top AS folder, SUM(CASE WHEN ${IN('@id')} THEN size ELSE 0 END)
                             - SUM(CASE WHEN ${IN('@prev')} THEN size ELSE 0 END) AS bytes
       FROM (SELECT ${TOP} AS top, size, first_backup, last_backup FROM file_versions
             WHERE plan_id = @plan AND kind = 'f' AND first_backup <= @id
               AND (last_backup IS NULL OR last_backup >= @prev))
       GROUP BY top HAVING bytes > 0 ORDER BY bytes DESC LIMIT @limit`,
    )
    .all({ plan: planId, id, prev: prevId, limit }) as { folder: string; bytes: number }[];
}
