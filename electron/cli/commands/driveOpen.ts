import fs from 'node:fs';
import path from 'node:path';
import { planLayout } from '../../engine/format/layout';
import type { BackupRecord } from '../../engine/catalog/backups';
import type { Plan } from '../../engine/catalog/plans';
import { FileSecretStore, openDrive, type DriveRemote } from '../../engine/drive/index';
import { openDriveRestore, type DriveRestore } from '../../engine/drive/pack/restoreSource';
import { driveSettings } from '../../engine/drive/pack/settings';
import { listDriveManifests } from '../../engine/drive/pack/store';
import type { CliContext } from '../context';

/** The headless secret store (a 0600 file in the data directory). */
export function cliSecrets(c: CliContext): FileSecretStore {
  return new FileSecretStore(c.dataDir);
}

/** Opens Drive with the catalog's settings, the environment and the stored tokens. */
export async function cliRemote(
  c: CliContext,
  o: { bandwidthBytesPerSecond?: number | null } = {},
): Promise<DriveRemote> {
  const s = driveSettings(c.catalog());
  const { remote } = await openDrive({
    secrets: cliSecrets(c),
    settings: s,
    bandwidthBytesPerSecond: o.bandwidthBytesPerSecond ?? s.bandwidthBytesPerSecond,
  });
  return remote;
}

/**
 * For `cairn restore`: when a backup's folder is not on this machine but the backup is on Drive, the
 * restore reads it from Drive (manifest and only the packs it needs). Null when the local folder is there
 * or Drive does not have the backup.
 */
export async function driveRestoreFor(
  c: CliContext,
  plan: Plan,
  backup: Pick<BackupRecord, 'stamp'>,
  signal?: AbortSignal,
): Promise<DriveRestore | null> {
  if (fs.existsSync(planLayout(plan.dest, plan.name).backupDir(backup.stamp))) return null;
  if (!listDriveManifests(c.catalog(), plan.id).some((m) => m.stamp === backup.stamp)) return null;
  const workDir = fs.mkdtempSync(path.join(c.dataDir, 'drive-restore-'));
  try {
    return await openDriveRestore({
      db: c.catalog(),
      plan,
      stamp: backup.stamp,
      remote: await cliRemote(c),
      secrets: cliSecrets(c),
      workDir,
      signal,
    });
  } catch (e) {
    fs.rmSync(workDir, { recursive: true, force: true });
    throw e;
  }
}
