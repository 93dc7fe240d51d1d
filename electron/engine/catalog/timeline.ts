import type { Db } from './db';
import { dbText, fromDb, splitPath } from './versions';

export interface KeptBackup {
  id: number;
  stamp: string;
}

/** Kept backups of a plan, oldest first (ids grow with time). */
export function keptBackups(db: Db, planId: number): KeptBackup[] {
  return db
    .prepare(`SELECT id, stamp FROM backups WHERE plan_id = ? AND status <> 'failed' ORDER BY id`)
    .all(planId) as KeptBackup[];
}

function lowerBound(list: KeptBackup[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The kept backups (oldest first) that hold a version recorded from backup `first` to `last` (null: still
 * open), as the index range [from, to) into `list`; empty (to <= from) when all of them were pruned.
 */
export function heldBy(list: KeptBackup[], first: number, last: number | null): { from: number; to: number } {
  return {
    from: lowerBound(list, first),
    to: last === null ? list.length : lowerBound(list, last + 1),
  };
}

const KIND = { f: 'file', d: 'dir', l: 'symlink' } as const;

export interface TimelineEntry {
  kind: 'file' | 'dir' | 'symlink';
  size: number;
  mtimeMs: number;
  sha256: string | null;
  target: string | null;
  /** Against the version before (older): see TimelineVersion in shared/schemas/timeline.ts. */
  change: 'first' | 'changed' | 'same';
  /** Kept backups between the version before and this one that did not hold the path. */
  absentBefore: number;
  /** The kept backups that hold it, newest first. */
  stamps: string[];
}

type Row = [
  kind: 'f' | 'd' | 'l',
  size: number,
  mtimeMs: number,
  sha256: string | null,
  target: string | null,
  first: number,
  last: number | null,
];

/**
 * Every version of one path across the kept backups of a plan, newest first, from the catalog: one query
 * on the (plan, parent, name) index and one over the plan's backups. Versions no kept backup holds are left
 * out.
 */
export function fileTimeline(db: Db, planId: number, path: string): TimelineEntry[] {
  const { parent, name } = splitPath(path);
  const rows = db
    .prepare(
      `SELECT kind, size, mtime_ms, sha256, target, first_backup, last_backup FROM file_versions
       WHERE plan_id = ? AND parent = ? AND name = ? ORDER BY +first_backup`,
    )
    .raw(true)
    .all(planId, dbText(parent), dbText(name)) as Row[];
  if (rows.length === 0) return [];
  const list = keptBackups(db, planId);
  const out: TimelineEntry[] = [];
  let prev: { row: Row; to: number } | null = null;
  for (const r of rows) {
    const { from, to } = heldBy(list, r[5], r[6]);
    if (to <= from) continue;
    out.push({
      kind: KIND[r[0]],
      size: r[1],
      mtimeMs: r[2],
      sha256: r[3],
      target: r[4] === null ? null : fromDb(r[4]),
      change: prev === null ? 'first' : sameContent(prev.row, r) ? 'same' : 'changed',
      absentBefore: prev === null ? 0 : from - prev.to,
      stamps: list
        .slice(from, to)
        .map((b) => b.stamp)
        .reverse(),
    });
    prev = { row: r, to };
  }
  return out.reverse();
}

function sameContent(a: Row, b: Row): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[3] === b[3] && a[4] === b[4];
}
