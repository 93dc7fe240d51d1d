// The one way a restore opens a backup from an off-site copy (the service and `cairn restore` both use it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planLayout } from '../format/layout';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import type { DriveRestore } from '../drive/pack/restoreSource';
import { remotesHolding } from '../drive/pack/store';
import { openRemote } from '../remotes/open';
import { remoteById } from '../remotes/registry';
import type { DriveAccess } from './service/context';

/**
 * A backup whose folder is not on this machine (disk gone, new machine, pruned here but kept off-site) is
 * restored from the first remote that has it (Drive first, then S3 or rclone remotes): only the packs the
 * chosen paths need come down, into a work folder that is removed if opening fails. Null when the local
 * folder is there or no remote has the backup.
 */
export async function openDriveSourceFor(o: {
  db: Db;
  drive: DriveAccess | null;
  plan: Plan;
  backup: Pick<BackupRecord, 'stamp'>;
  signal?: AbortSignal;
}): Promise<DriveRestore | null> {
  const { db, drive, plan, backup } = o;
  if (!drive) return null;
  if (fs.existsSync(planLayout(plan.dest, plan.name).backupDir(backup.stamp))) return null;
  const remoteId = remotesHolding(db, plan.id, backup.stamp)[0];
  if (remoteId === undefined) return null;
  const workDir = fs.mkdtempSync(path.join(drive.workDir ?? os.tmpdir(), 'drive-restore-'));
  try {
    // Loaded only now: a restore from the local disk does not pay for the store's client, tar and age.
    const { openDriveRestore } = await import('../drive/pack/restoreSource');
    const remote = await openRemote(db, remoteById(db, remoteId), drive);
    return await openDriveRestore({
      db,
      plan,
      stamp: backup.stamp,
      remote,
      remoteId,
      secrets: drive.secrets,
      workDir,
      signal: o.signal,
    });
  } catch (e) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
}
