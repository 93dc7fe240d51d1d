// Removing one backup by hand (History's "Remove this backup…", `cairn remove`): what it frees and
// what it would break first, then the same deletion prune does (dropBackups).
import { listBackups, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { formatBytes } from '../../../shared/units';
import { CairnError } from '../errors';
import { deadVersionBytes, dropBackups } from './prune';
import type { TrashSweeper } from '../format/trash';

export interface RemovePreview {
  planName: string;
  stamp: string;
  startedAt: number;
  /** Files and bytes no other kept backup holds: what leaves the disk. */
  freedFiles: number;
  freedBytes: number;
  pinned: boolean;
  newest: boolean;
  only: boolean;
  /** Why it may not be removed now (empty: it may). */
  refusals: string[];
  /** What removing it means beyond the bytes (it is the newest; Drive keeps its copy). */
  warnings: string[];
}

/** What removing one kept backup of a plan frees and whether it may go; `reading`: backups read now. */
export function previewRemove(
  db: Db,
  plan: Plan,
  backup: BackupRecord,
  reading: ReadonlySet<string> = new Set(),
): RemovePreview {
  const all = listBackups(db, { planId: plan.id });
  const others = all.filter((b) => b.id !== backup.id).map((b) => b.id);
  const freed = deadVersionBytes(db, plan.id, others, [backup.id]);
  const newest = all[0]?.id === backup.id;
  const only = others.length === 0;
  const refusals: string[] = [];
  if (backup.pinned)
    refusals.push(
      `It is pinned${backup.note ? ` ("${backup.note}")` : ''}; unpin it first if you really want it gone.`,
    );
  if (only) refusals.push(`It is the only backup of plan ${plan.name}; removing it would leave none.`);
  if (reading.has(backup.stamp))
    refusals.push('A restore or verify reads it right now; try again when that has finished.');
  const warnings: string[] = [];
  if (newest && !only)
    warnings.push(
      'It is the newest backup: the plan then looks older than it is, and Browse opens the one before it.',
    );
  warnings.push('Its copy on Google Drive, if any, is not touched: Drive keeps its own retention.');
  return {
    planName: plan.name,
    stamp: backup.stamp,
    startedAt: backup.startedAt,
    freedFiles: freed.files,
    freedBytes: freed.bytes,
    pinned: backup.pinned,
    newest,
    only,
    refusals,
    warnings,
  };
}

/**
 * Removes one kept backup: its catalog rows and the versions only it held, its folder (the hard links other
 * backups share stay with them), its manifest, and its entry in .cairn/backups.json. Drive is not touched.
 * Refused (nothing changed) when the preview has refusals.
 */
export function removeBackup(
  db: Db,
  plan: Plan,
  backup: BackupRecord,
  o: { now: number; actor: string; reading?: ReadonlySet<string>; trash?: TrashSweeper },
): RemovePreview {
  const p = previewRemove(db, plan, backup, o.reading);
  if (p.refusals.length)
    throw new CairnError('conflict', `Backup ${plan.name}/${backup.stamp} was not removed. ${p.refusals[0]}`);
  const remaining = listBackups(db, { planId: plan.id })
    .filter((b) => b.id !== backup.id)
    .map((b) => b.id);
  dropBackups(
    db,
    plan,
    [backup],
    remaining,
    {
      at: o.now,
      planId: plan.id,
      kind: 'prune',
      actor: o.actor,
      message: `Removed backup ${plan.name}/${backup.stamp} by hand (${formatBytes(p.freedBytes)} freed)`,
      details: { removed: backup.stamp, freedFiles: p.freedFiles, freedBytes: p.freedBytes },
    },
    o.trash,
  );
  return p;
}
