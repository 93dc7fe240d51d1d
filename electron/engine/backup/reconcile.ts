import fs from 'node:fs';
import path from 'node:path';
import { listBackups } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import type { DbSource } from '../dbsource/store';
import { describeError } from '../errors';
import { importBackup } from './importBackup';
import { readNames } from '../format/fsName';
import { manifestStamps, stampsOnDisk, type PlanLayout } from '../format/layout';
import { moveToTrash } from '../format/trash';

/** Brings the catalog and the destination into agreement after a crash: see DESIGN.md section 1. */
export async function reconcile(db: Db, plan: Plan, layout: PlanLayout, now: number): Promise<string[]> {
  const notes: string[] = [];
  const known = new Set(listBackups(db, { planId: plan.id }).map((b) => b.stamp));
  // A prune or removal that stopped before the catalog forgot a backup: its folder goes back.
  for (const stamp of known)
    if (fs.existsSync(layout.doomedDir(stamp)) && !fs.existsSync(layout.backupDir(stamp))) {
      fs.renameSync(layout.doomedDir(stamp), layout.backupDir(stamp));
      notes.push(`put back backup folder ${stamp}, which a prune or removal had not finished deleting`);
    }
  // What else is in partial/ (a killed run's backup, its database dumps, a pruned folder no longer listed)
  // goes to the trash by a rename: a big leftover is never deleted on this run's critical path.
  fs.mkdirSync(layout.partial, { recursive: true });
  for (const name of readNames(layout.partial)) moveToTrash(layout, path.join(layout.partial, name));
  const folders = new Set(stampsOnDisk(layout));
  for (const stamp of manifestStamps(layout)) {
    if (known.has(stamp)) continue;
    if (!folders.has(stamp)) {
      // Published manifest, folder never renamed: the run died in between. The folder was in partial/.
      fs.rmSync(layout.manifestFile(stamp), { force: true });
      continue;
    }
    try {
      await importBackup(db, plan, layout, stamp, now);
      notes.push(`recorded backup ${stamp}, which finished before Cairn stopped`);
    } catch (e) {
      notes.push(`left backup folder ${stamp} out of the catalog: ${describeError(e)}`);
    }
  }
  return notes;
}

/**
 * Keeps the plan's settings beside its backups (.cairn/plan.json), so `cairn import` on a new machine gets
 * back the sources, excludes, schedule and retention, not only the backups.
 */
export function writePlanFile(layout: PlanLayout, plan: Plan, dbSources: DbSource[] = []): void {
  const { id: _id, createdAt: _c, updatedAt: _u, ...settings } = plan;
  // A database source as plan.json keeps it: where it is, never its password (that is in the secret store).
  const databases = dbSources.map(({ label, kind, location, format }) => ({ label, kind, location, format }));
  const tmp = `${layout.meta}/plan.json.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, ...settings, databases }, null, 2) + '\n');
  fs.renameSync(tmp, `${layout.meta}/plan.json`);
}
