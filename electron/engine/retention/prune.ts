import fs from 'node:fs';
import { logActivity, type NewActivity } from '../catalog/activity';
import { listBackups, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { checkDest } from '../backup/checks';
import { fsyncDir, planLayout } from '../format/layout';
import { writeBackupIndex } from '../catalog/backupIndex';
import { CairnError } from '../errors';
import { applyRetention } from './policy';
import { entriesOf, inlineSweeper, moveToTrash, type TrashSweeper } from '../format/trash';

export interface PruneItem {
  backup: BackupRecord;
  keep: boolean;
  reasons: string[];
}

export interface PruneResult {
  planName: string;
  dryRun: boolean;
  /** Every backup of the plan, newest first, kept or pruned with the rule that keeps it. */
  items: PruneItem[];
  pruned: string[];
  /** Bytes of the pruned backups' new files: roughly what pruning frees. */
  freedBytes: number;
}

export interface PruneOptions {
  now: number;
  actor: string;
  dryRun?: boolean;
  timeZone?: string;
  /** Backups a restore or verify reads now (JobCoordinator.readingStamps): kept until they are done. */
  reading?: ReadonlySet<string>;
  /** Stamps a preview showed as pruned: refuse if the rules now prune anything else. */
  expect?: string[];
  /** Empties the trash the pruned folders went to (inline when not given). */
  trash?: TrashSweeper;
}

/**
 * Which backups of a plan the retention rules keep at `now` and why, newest first (one being read is kept
 * for now).
 */
export function previewPrune(
  db: Db,
  plan: Plan,
  now: number,
  timeZone?: string,
  busy: ReadonlySet<string> = new Set(),
): PruneItem[] {
  const backups = listBackups(db, { planId: plan.id });
  const byId = new Map(backups.map((b) => [b.id, b]));
  return applyRetention(backups, plan, now, timeZone).map((d) => {
    const backup = byId.get(d.id)!;
    if (d.keep || !busy.has(backup.stamp)) return { backup, keep: d.keep, reasons: d.reasons };
    return { backup, keep: true, reasons: ['in use by a restore or verify; pruned later'] };
  });
}

/**
 * The version rows that no remaining backup holds, as WHERE clauses with their arguments: a version is dead
 * when its whole range lies between two neighbouring remaining backups.
 */
function deadVersions(planId: number, remaining: number[], pruned: number[]): [string, number[]][] {
  const kept = [...remaining].sort((a, b) => a - b);
  const gaps = new Map<string, [number, number | null]>();
  for (const p of pruned) {
    let lo = 0;
    let hi: number | null = null;
    for (const k of kept) {
      if (k < p) lo = k;
      else if (k > p) {
        hi = k;
        break;
      }
    }
    gaps.set(`${lo}:${hi}`, [lo, hi]);
  }
  return [...gaps.values()].map(([lo, hi]) =>
    hi === null
      ? ['plan_id = ? AND first_backup > ?', [planId, lo]]
      : [
          'plan_id = ? AND last_backup IS NOT NULL AND last_backup < ? AND first_backup > ?',
          [planId, hi, lo],
        ],
  );
}

/** Removes the version rows that no remaining backup holds. Call inside the transaction that deletes the backups. */
export function deleteDeadVersions(db: Db, planId: number, remaining: number[], pruned: number[]): void {
  for (const [where, args] of deadVersions(planId, remaining, pruned))
    db.prepare(`DELETE FROM file_versions WHERE ${where}`).run(...args);
}

/**
 * What deleting `pruned` frees, from the catalog: the files (and their bytes) that no remaining backup holds.
 * Their hard links are in no other kept backup, so exactly these bytes leave the disk.
 */
export function deadVersionBytes(
  db: Db,
  planId: number,
  remaining: number[],
  pruned: number[],
): { files: number; bytes: number } {
  const sum = { files: 0, bytes: 0 };
  for (const [where, args] of deadVersions(planId, remaining, pruned)) {
    const r = db
      .prepare(
        `SELECT count(*) AS files, coalesce(sum(size), 0) AS bytes FROM file_versions WHERE ${where} AND kind = 'f'`,
      )
      .get(...args) as { files: number; bytes: number };
    sum.files += r.files;
    sum.bytes += r.bytes;
  }
  return sum;
}

/**
 * Deletes backups of a plan from the catalog and the destination. Each folder is first renamed into
 * .cairn/partial (no half-deleted backup is ever visible under its name), then the catalog forgets the
 * backups (rows, dead versions, the activity entry) in one transaction and .cairn/backups.json follows, then
 * manifests go and the folders move to .cairn/trash, which `trash` empties (off the critical path where it
 * can). Should the transaction fail, the folders go back; should the process stop before it, reconcile puts
 * back every folder whose backup is still listed. Hard links shared with kept backups stay with them.
 */
export function dropBackups(
  db: Db,
  plan: Plan,
  doomed: BackupRecord[],
  remaining: number[],
  activity: NewActivity,
  trash: TrashSweeper = inlineSweeper,
): void {
  checkDest(plan.dest);
  const layout = planLayout(plan.dest, plan.name);
  fs.mkdirSync(layout.partial, { recursive: true });
  fs.mkdirSync(layout.trash, { recursive: true });
  const moved: BackupRecord[] = [];
  try {
    for (const b of doomed) {
      moveToTrash(layout, layout.doomedDir(b.stamp)); // a leftover of an earlier try
      try {
        fs.renameSync(layout.backupDir(b.stamp), layout.doomedDir(b.stamp));
        moved.push(b);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // already gone: forget it all the same
      }
    }
    fsyncDir(layout.root);
    db.transaction(() => {
      deleteDeadVersions(
        db,
        plan.id,
        remaining,
        doomed.map((b) => b.id),
      );
      const del = db.prepare('DELETE FROM backups WHERE id = ?');
      for (const b of doomed) del.run(b.id);
      logActivity(db, activity);
    })();
  } catch (e) {
    for (const b of moved) fs.renameSync(layout.doomedDir(b.stamp), layout.backupDir(b.stamp));
    throw e;
  }
  writeBackupIndex(db, plan);
  for (const b of doomed) fs.rmSync(layout.manifestFile(b.stamp), { force: true });
  fsyncDir(layout.manifests);
  const trashed = moved.map((b) => layout.trashSlot(`pruned-${b.stamp}`));
  moved.forEach((b, i) => fs.renameSync(layout.doomedDir(b.stamp), trashed[i]!));
  trash.dropped(plan, trashed, entriesOf(moved));
}

/**
 * Applies the plan's retention: deletes exactly the backups the preview marks pruned (dropBackups).
 */
export function prunePlan(db: Db, plan: Plan, o: PruneOptions): PruneResult {
  const items = previewPrune(db, plan, o.now, o.timeZone, o.reading);
  const doomed = items.filter((i) => !i.keep).map((i) => i.backup);
  const result: PruneResult = {
    planName: plan.name,
    dryRun: o.dryRun === true,
    items,
    pruned: doomed.map((b) => b.stamp),
    freedBytes: doomed.reduce((n, b) => n + b.newBytes, 0),
  };
  if (o.expect) {
    const want = [...o.expect].sort().join(',');
    if (want !== [...result.pruned].sort().join(','))
      throw new CairnError(
        'conflict',
        `The backups of plan ${plan.name} changed since the preview; preview the prune again.`,
      );
  }
  if (o.dryRun) return result;
  if (doomed.length === 0) {
    writeBackupIndex(db, plan); // run after each backup: keeps .cairn/backups.json up to date for import
    return result;
  }

  const doomedIds = new Set(doomed.map((b) => b.id));
  const remaining = items.filter((i) => !doomedIds.has(i.backup.id)).map((i) => i.backup.id);
  dropBackups(
    db,
    plan,
    doomed,
    remaining,
    {
      at: o.now,
      planId: plan.id,
      kind: 'prune',
      actor: o.actor,
      message: `Pruned ${doomed.length} backup(s) of ${plan.name}: ${result.pruned.join(', ')}`,
      details: { pruned: result.pruned, kept: items.filter((i) => i.keep).map((i) => i.backup.stamp) },
    },
    o.trash,
  );
  return result;
}
