import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Plan } from '../../catalog/plans';
import { openDriveRemote } from '../../drive/pack/openRemote';
import type { DrivePruneResult } from '../../drive/pack/retention';
import { driveSettings } from '../../drive/pack/settings';
import { CairnError } from '../../errors';
import { readSettings } from '../service/settingsStore';
import type { OpsDeps } from './deps';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

/**
 * Applies the plan's Drive retention as a "drive-prune" job (what `cairn drive prune` does), in a scratch
 * folder removed after; `expect` refuses a prune that would delete other backups than the preview showed.
 */
export async function drivePruneOp(
  d: OpsDeps,
  plan: Plan,
  o: { dryRun?: boolean; expect?: string[] } = {},
): Promise<DrivePruneResult> {
  const drive = d.drive;
  if (!drive) throw new CairnError('usage', 'Google Drive cannot be reached from here.');
  const { pruneDrive } = await import('../../drive/pack/retention');
  const remote = await openDriveRemote(d.db, drive);
  const workDir = fs.mkdtempSync(path.join(drive.workDir ?? os.tmpdir(), 'drive-prune-'));
  try {
    return await pruneDrive({
      db: d.db,
      plan,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets: drive.secrets,
      machine: driveSettings(d.db).machine,
      workDir,
      now: d.now,
      actor: d.actor,
      dryRun: o.dryRun,
      expect: o.expect,
      timeZone: readSettings(d.db).timezone,
      admit: d.jobs.admitFor(d.actor),
    });
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
