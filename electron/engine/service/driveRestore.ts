import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planLayout } from '../format/layout';
import type { BackupRecord } from '../catalog/backups';
import type { Plan } from '../catalog/plans';
import { openDrive } from '../drive/index';
import { openDriveRestore, type DriveRestore } from '../drive/pack/restoreSource';
import { driveSettings } from '../drive/pack/settings';
import { listDriveManifests } from '../drive/pack/store';
import type { ServiceContext } from './context';

/**
 * A backup whose folder is not on this machine (disk gone, new machine) is restored from Drive when Drive
 * has it: only the packs the chosen paths need come down. Null when the local folder is there.
 */
export async function driveSourceFor(
  c: ServiceContext,
  plan: Plan,
  backup: BackupRecord,
): Promise<DriveRestore | null> {
  const d = c.drive;
  if (!d) return null;
  if (fs.existsSync(planLayout(plan.dest, plan.name).backupDir(backup.stamp))) return null;
  if (!listDriveManifests(c.db, plan.id).some((m) => m.stamp === backup.stamp)) return null;
  const { remote } = await openDrive({
    secrets: d.secrets,
    settings: driveSettings(c.db),
    env: d.env ?? process.env,
  });
  const workDir = fs.mkdtempSync(path.join(d.workDir ?? os.tmpdir(), 'drive-restore-'));
  return openDriveRestore({ db: c.db, plan, stamp: backup.stamp, remote, secrets: d.secrets, workDir });
}
