import { writeBackupIndex } from '../../../catalog/backupIndex';
import { logActivity } from '../../../catalog/activity';
import { listBackups, listWarnings, resolveBackup, setPinned } from '../../../catalog/backups';
import type { Db } from '../../../catalog/db';
import { getPlan } from '../../../catalog/plans';
import { driveCopy, findDrivePlan, listDriveManifests } from '../../../drive/pack/store';
import { listFolder } from '../../../catalog/versions';
import { displayName } from '../../../format/fsName';
import { planLayout } from '../../../format/layout';
import type { HandlerGroup } from '../context';
import { countFolder, searchVersions } from '../queries';

export const KIND = { f: 'file', d: 'dir', l: 'symlink' } as const;

/** Resolves a plan and one of its kept backups ("latest" allowed). */
export function backupOf(db: Db, plan: string, stamp: string) {
  return resolveBackup(db, `${plan}/${stamp}`);
}

/** Backups, what they hold, search across them, and pins. */
export const backupHandlers: HandlerGroup<
  'backupList' | 'backupGet' | 'folderList' | 'search' | 'backupPin' | 'backupUnpin'
> = {
  backupList: (i, c) => {
    const planId = i.plan ? getPlan(c.db, i.plan).id : undefined;
    const all = listBackups(c.db, { planId, includeFailed: i.includeFailed });
    const offset = i.offset ?? 0;
    const onDrive = new Map<number, Set<string> | null>();
    const driveOf = (id: number) => {
      if (!onDrive.has(id))
        onDrive.set(
          id,
          findDrivePlan(c.db, driveCopy(id))
            ? new Set(listDriveManifests(c.db, driveCopy(id)).map((m) => m.stamp))
            : null,
        );
      return onDrive.get(id)!;
    };
    const page = all.slice(offset, offset + (i.limit ?? all.length)).map((b) => ({
      ...b,
      onDrive: driveOf(b.planId)?.has(b.stamp) ?? null,
    }));
    return { backups: page, total: all.length };
  },
  backupGet: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    return {
      backup,
      sources: plan.sources,
      folder: planLayout(plan.dest, plan.name).backupDir(backup.stamp),
      warnings: listWarnings(c.db, backup.id),
    };
  },
  folderList: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const folder = i.path.replace(/^\/+|\/+$/g, '');
    const offset = i.offset ?? 0;
    const limit = i.limit ?? 1000;
    const total = countFolder(c.db, plan.id, backup.id, folder);
    const entries = listFolder(c.db, plan.id, backup.id, folder, { offset, limit }).map((v) => ({
      name: v.name,
      display: displayName(v.name),
      path: v.path,
      kind: KIND[v.kind],
      size: v.size,
      mtimeMs: v.mtimeMs,
      mode: v.mode,
      sha256: v.sha256,
      target: v.target,
      displayTarget: v.target === null ? null : displayName(v.target),
    }));
    const next = offset + entries.length;
    return { path: folder, entries, total, offset, nextOffset: next < total ? next : null };
  },
  search: (i, c) => {
    const t = performance.now();
    const planId = i.plan ? getPlan(c.db, i.plan).id : undefined;
    const r = searchVersions(c.db, i.query, { planId, limit: i.limit ?? 100 });
    return { results: r.hits, truncated: r.truncated, elapsedMs: Math.round(performance.now() - t) };
  },
  backupPin: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const b = setPinned(c.db, backup.id, true, i.note);
    logActivity(c.db, {
      at: c.now(),
      planId: plan.id,
      backupId: b.id,
      kind: 'settings',
      actor: c.actor,
      message: `Backup ${plan.name}/${b.stamp} pinned${b.note ? `: ${b.note}` : ''}`,
    });
    writeBackupIndex(c.db, plan);
    return b;
  },
  backupUnpin: (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const b = setPinned(c.db, backup.id, false);
    logActivity(c.db, {
      at: c.now(),
      planId: plan.id,
      backupId: b.id,
      kind: 'settings',
      actor: c.actor,
      message: `Backup ${plan.name}/${b.stamp} unpinned`,
    });
    writeBackupIndex(c.db, plan);
    return b;
  },
};
