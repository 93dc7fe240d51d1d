import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../catalog/db';
import type { Plan } from '../../catalog/plans';
import { logActivity } from '../../catalog/activity';
import { describeError } from '../../errors';
import { driveConfig } from '../config';
import { limitError } from '../errors';
import { DRIVE_TOKENS_KEY, type SecretStore } from '../../secrets/store';
import type { Admit } from '../../backup/lock';
import type { PushProgress, PushResult } from './push';
import { openDriveRemote } from './openRemote';
import { driveSettingsWithSecret } from './settings';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';
import { driveCopy, findDrivePlan, updateDrivePlan } from './store';

/**
 * Pushes a plan to Drive right after its backup (then applies the Drive retention when the plan prunes
 * automatically), when Drive is set up and connected and the autoPush
 * setting is on (the default). Never throws: a failure is recorded in the plan's Drive status (which
 * `cairn drive status` and the tray show) and in the activity log, and the backup stays a success.
 * Returns null when nothing was tried.
 */
export async function pushAfterBackup(o: {
  db: Db;
  plan: Plan;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  now: () => number;
  actor: string;
  signal?: AbortSignal;
  /** The job coordinator's admission (app/jobs.ts): push and Drive prune run as admitted jobs. */
  admit?: Admit;
  onProgress?: (p: PushProgress) => void;
  /** Told when the push was tried and did not complete (to say so beside the backup's summary). */
  onError?: (e: unknown) => void;
  /** The data folder, where packs are staged (PushOptions.dataDir). */
  dataDir?: string;
}): Promise<PushResult | null> {
  const env = o.env ?? process.env;
  const s = await driveSettingsWithSecret(o.db, o.secrets);
  if (!s.autoPush) return null;
  const copy = driveCopy(o.plan.id);
  try {
    driveConfig(s, env);
  } catch {
    return null; // no OAuth client set up: Drive is not in use
  }
  if (!env.CAIRN_DRIVE_REFRESH_TOKEN && (await o.secrets.get(DRIVE_TOKENS_KEY)) === null) {
    // A plan copied to Drive before whose link is gone here: its Drive status (and health) says so.
    // Not when the app holds the link in its keychain (a CLI backup beside the app): the app pushes.
    if (findDrivePlan(o.db, copy)?.lastPushAt && !o.secrets.sealedElsewhere?.())
      updateDrivePlan(o.db, copy, {
        lastErrorCode: 'drive-auth',
        lastErrorMessage: `Google Drive is not connected here, so backups of ${o.plan.name} are not copied to Drive; connect with: cairn drive connect.`,
        lastErrorAt: o.now(),
      });
    return null;
  }
  const waits = findDrivePlan(o.db, copy);
  if (waits?.resumesAt && waits.resumesAt > o.now()) {
    // A push waits for Google's daily limit already (here or in a process since stopped, which the app or
    // `cairn serve` resumes); it sends this backup too. Not a failure: the backup does not wait an hour.
    o.onError?.(limitError(waits.lastErrorCode ?? 'waiting', null, waits.resumesAt));
    return null;
  }
  try {
    // Loaded only now: a backup with Drive not in use should not pay for loading the Drive client.
    const [{ pushPlan }, { pruneDrive }] = await Promise.all([import('./push'), import('./retention')]);
    const remote = await openDriveRemote(o.db, { secrets: o.secrets, env });
    const r = await pushPlan({
      db: o.db,
      plan: o.plan,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets: o.secrets,
      machine: s.machine,
      now: o.now,
      actor: o.actor,
      signal: o.signal,
      admit: o.admit,
      onProgress: o.onProgress,
      packTargetBytes: s.packTargetBytes ?? undefined,
      dataDir: o.dataDir,
    });
    // Drive retention follows each push when the plan prunes automatically, as local retention does.
    if (o.plan.autoPrune) {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-drive-prune-'));
      try {
        await pruneDrive({
          db: o.db,
          plan: o.plan,
          remote,
          remoteId: DRIVE_REMOTE_ID,
          secrets: o.secrets,
          machine: s.machine,
          workDir,
          now: o.now,
          actor: o.actor,
          admit: o.admit,
        });
      } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
    return r;
  } catch (e) {
    o.onError?.(e);
    // pushPlan has recorded its own failures; this covers opening Drive.
    logActivity(o.db, {
      at: o.now(),
      planId: o.plan.id,
      kind: 'upload',
      level: 'warning',
      actor: o.actor,
      message: `The Drive push after the backup of ${o.plan.name} did not complete: ${describeError(e)}`,
    });
    return null;
  }
}
