import type { BackupRecord } from '../../../catalog/backups';
import {
  changesInFolder,
  diffBackups,
  previousBackup,
  summarise,
  type Change,
  type ChangeRow,
  type ChangeSide,
  type Tallies,
} from '../../../catalog/changes';
import type { Db } from '../../../catalog/db';
import { displayName, parseTyped } from '../../../format/fsName';
import type { HandlerGroup } from '../context';
import { backupOf, KIND } from './backups';

/**
 * The last comparisons made, so that opening a folder, filtering or paging does not read them again. The
 * changes between two kept backups never change (a later backup or a prune leaves the versions that hold
 * either of them as they are, and backup ids are never reused), so an entry never goes stale.
 */
const recent: { key: string; changes: Change[]; summary: Tallies }[] = [];
const RECENT = 2;

function comparison(db: Db, planId: number, newer: number, older: number | null) {
  const key = `${db.name}\0${planId}:${newer}:${older}`;
  const hit = recent.find((r) => r.key === key);
  if (hit) return hit;
  const changes = diffBackups(db, planId, newer, older);
  const made = { key, changes, summary: summarise(changes) };
  recent.unshift(made);
  recent.length = Math.min(recent.length, RECENT);
  return made;
}

/** Forgets the comparisons kept for reuse (the benchmark times a first call with it). */
export function forgetComparisons(): void {
  recent.length = 0;
}

const side = (s: ChangeSide | null) => s && { kind: KIND[s.kind], size: s.size };
const compared = (b: BackupRecord) => ({
  stamp: b.stamp,
  startedAt: b.startedAt,
  files: b.files,
  bytes: b.bytes,
});

function entry(r: ChangeRow) {
  return {
    name: r.name,
    display: displayName(r.name),
    path: r.path,
    kind: KIND[r.kind],
    change: r.change,
    before: side(r.before),
    after: side(r.after),
    below: r.below,
  };
}

/** What changed in a backup against the one before it or any other kept backup of its plan. */
export const changesHandlers: HandlerGroup<'backupChanges'> = {
  backupChanges: (i, c) => {
    const t = performance.now();
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const other =
      i.against === undefined
        ? previousBackup(c.db, plan.id, backup.id)
        : backupOf(c.db, i.plan, i.against).backup;
    // Either order is accepted: the comparison is always from the older to the newer.
    const [newer, older] = other && other.id > backup.id ? [other, backup] : [backup, other ?? null];
    const { changes, summary } = comparison(c.db, plan.id, newer.id, older?.id ?? null);
    const folder = (i.path ?? '').replace(/^\/+|\/+$/g, '');
    const query = i.query?.trim() ? parseTyped(i.query.trim()) : undefined;
    const rows = changesInFolder(changes, folder, { change: i.change, query });
    const offset = i.offset ?? 0;
    const entries = rows.slice(offset, offset + (i.limit ?? 1000)).map(entry);
    const next = offset + entries.length;
    return {
      newer: compared(newer),
      older: older && compared(older),
      summary,
      path: folder,
      entries,
      total: rows.length,
      offset,
      nextOffset: next < rows.length ? next : null,
      elapsedMs: Math.round(performance.now() - t),
    };
  },
};
