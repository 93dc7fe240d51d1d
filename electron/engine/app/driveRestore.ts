// The one way a restore opens a backup from Drive (the service and `cairn restore` both use it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planLayout } from '../format/layout';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import type { DriveRestore } from '../drive/pack/restoreSource';
import { openDriveRemote } from '../drive/pack/openRemote';
import { driveCopy, listDriveManifests } from '../drive/pack/store';
import type { DriveAccess } from './service/context';
import { DRIVE_REMOTE_ID } from '../remotes/registry';

/**
 * A backup whose folder is not on this machine (disk gone, new machine, pruned here but kept on Drive) is
 * restored from Drive when Drive has it: only the packs the chosen paths need come down, into a work
 * folder that is removed if opening fails. Null when the local folder is there or Drive lacks the backup.
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
  if (!listDriveManifests(db, driveCopy(plan.id)).some((m) => m.stamp === backup.stamp)) return null;
  const workDir = fs.mkdtempSync(path.join(drive.workDir ?? os.tmpdir(), 'drive-restore-'));
  try {
    // Loaded only now: a restore from the local disk does not pay for the Drive client, tar and age.
    const { openDriveRestore } = await import('../drive/pack/restoreSource');
    const remote = await openDriveRemote(db, drive);
    return await openDriveRestore({
      db,
      plan,
      stamp: backup.stamp,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets: drive.secrets,
      workDir,
      signal: o.signal,
    });
  } catch (e) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
}
