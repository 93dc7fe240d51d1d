// The calls over any remote of the catalog (Drive, S3, rclone): push, verify, prune and import through the one
// pack layer (drive/pack), each on the remote's own copy (CopyId: remote and plan), and the remotes' states
// from the catalog alone. What the `cairn remote` commands, the service and the after-backup step use.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../catalog/db';
import { findPlan, findPlanById, type Plan } from '../catalog/plans';
import type { Admit } from '../backup/lock';
import type { DriveImportResult } from '../drive/pack/importDrive';
import type { PushProgress, PushResult } from '../drive/pack/push';
import type { DrivePruneResult } from '../drive/pack/retention';
import { driveSettings } from '../drive/pack/settings';
import { drivePendingBytes } from '../drive/pack/status';
import {
  drivePlan,
  findDrivePlan,
  listDriveManifests,
  updateDrivePlan,
  type CopyId,
} from '../drive/pack/store';
import type { DriveVerifyResult } from '../drive/pack/verify';
import type { DriveRemote } from '../drive/types';
import { DriveError } from '../drive/errors';
import { CairnError, describeError } from '../errors';
import { DRIVE_TOKENS_KEY, type SecretStore } from '../secrets/store';
import { openRemote, remoteLabel, type RemoteAccess } from './open';
import { attachPlan, listRemotes, remotePlanIds, type RemoteRow } from './registry';

export { openRemote, remoteLabel } from './open';

interface RemoteCall extends RemoteAccess {
  db: Db;
  plan: Plan;
  remote: RemoteRow;
  now: () => number;
}

/** The plan's copy on the remote; refused when the remote does not copy the plan (Drive copies every plan). */
function copyFor(o: Pick<RemoteCall, 'db' | 'plan' | 'remote'>): CopyId {
  if (o.remote.kind !== 'drive' && !remotePlanIds(o.db, o.remote).includes(o.plan.id))
    throw new CairnError(
      'usage',
      `Remote ${o.remote.name} does not copy plan ${o.plan.name}; add it with: cairn remote add ${o.remote.name} --plan ${o.plan.name} ...`,
    );
  return { remoteId: o.remote.id, planId: o.plan.id };
}

/** The machine's folder name on every remote (the Drive setting, else the host name). */
function machineOf(db: Db): string {
  return driveSettings(db).machine;
}

/** Records why the copy could not be reached (opening the store failed), so status and health say so. */
function recordOpenError(db: Db, c: CopyId, e: unknown, at: number): void {
  drivePlan(db, c, machineOf(db));
  updateDrivePlan(db, c, {
    lastErrorCode: e instanceof DriveError ? e.reason : e instanceof CairnError ? e.code : 'internal',
    lastErrorMessage: describeError(e),
    lastErrorAt: at,
  });
}

/** Opens the remote for a push; a failure to open is recorded in the copy's state before it is thrown. */
async function openForCopy(o: RemoteCall, c: CopyId): Promise<DriveRemote> {
  try {
    return await openRemote(o.db, o.remote, o);
  } catch (e) {
    recordOpenError(o.db, c, e, o.now());
    throw e;
  }
}

/** A scratch folder in the data folder (default: the catalog's), removed by `use` when done. */
async function inWorkDir<T>(
  db: Db,
  dataDir: string | undefined,
  prefix: string,
  use: (dir: string) => Promise<T>,
) {
  const base = dataDir ?? path.dirname(db.name);
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, prefix));
  try {
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Pushes a plan to one remote: what the remote lacks is packed and uploaded, then each backup's manifest and
 * map (drive/pack/push.ts), recording the outcome in the copy's state (last push, or the error).
 */
export async function pushRemote(
  o: RemoteCall & {
    actor: string;
    signal?: AbortSignal;
    onProgress?: (p: PushProgress) => void;
    dataDir?: string;
    /** The job coordinator's admission (app/jobs.ts): the push runs as a "push" job. */
    admit?: Admit;
  },
): Promise<PushResult> {
  const c = copyFor(o);
  const store = await openForCopy(o, c);
  const { pushPlan } = await import('../drive/pack/push');
  const s = driveSettings(o.db);
  return pushPlan({
    db: o.db,
    plan: o.plan,
    remote: store,
    remoteId: o.remote.id,
    secrets: o.secrets,
    machine: s.machine,
    now: o.now,
    actor: o.actor,
    signal: o.signal,
    admit: o.admit,
    onProgress: o.onProgress,
    // Drive keeps its own setting; other stores say what suits them (remote.packTargetBytes).
    packTargetBytes: o.remote.kind === 'drive' ? (s.packTargetBytes ?? undefined) : undefined,
    dataDir: o.dataDir,
  });
}

/** What verify and prune of a copy are given: the store opened, a scratch folder, who asked. */
function copyWork(o: RemoteCall & { actor?: string }, store: DriveRemote, workDir: string) {
  return {
    db: o.db,
    plan: o.plan,
    remote: store,
    remoteId: o.remote.id,
    secrets: o.secrets,
    machine: machineOf(o.db),
    workDir,
    now: o.now,
    actor: o.actor ?? 'user',
  };
}

/** Opens the plan's copy on the remote and runs `work` on it with a scratch folder (`prefix`) in the data folder. */
async function withCopy<T>(
  o: RemoteCall & { actor?: string; dataDir?: string },
  prefix: string,
  work: (w: ReturnType<typeof copyWork>) => Promise<T>,
): Promise<T> {
  copyFor(o);
  const store = await openRemote(o.db, o.remote, o);
  return inWorkDir(o.db, o.dataDir, prefix, (workDir) => work(copyWork(o, store, workDir)));
}

/** Checks the plan's copy on the remote (drive/pack/verify.ts): every recorded file there, a sample read back. */
export async function verifyRemote(
  o: RemoteCall & { signal?: AbortSignal; samplePercent?: number; actor?: string; dataDir?: string },
): Promise<DriveVerifyResult> {
  return withCopy(o, 'remote-verify-', async (w) => {
    const { verifyDrive } = await import('../drive/pack/verify');
    return verifyDrive({ ...w, samplePercent: o.samplePercent });
  });
}

/** Applies the plan's retention to its copy on the remote (drive/pack/retention.ts); `dryRun` only says what. */
export async function pruneRemote(
  o: RemoteCall & { dryRun?: boolean; actor?: string; admit?: Admit; timeZone?: string; dataDir?: string },
): Promise<DrivePruneResult> {
  return withCopy(o, 'remote-prune-', async (w) => {
    const { pruneDrive } = await import('../drive/pack/retention');
    return pruneDrive({ ...w, dryRun: o.dryRun, admit: o.admit, timeZone: o.timeZone });
  });
}

/**
 * Rebuilds plans and catalog from the remote alone (a new machine: the remote added without a plan), then
 * makes the remote copy the plans it held. An encrypted copy needs the password once.
 */
export async function importFromRemote(
  o: RemoteAccess & {
    db: Db;
    remote: RemoteRow;
    now: () => number;
    password?: string;
    dataDir?: string;
    /** Which machine's backups, when the remote holds several. */
    machine?: string;
    actor?: string;
  },
): Promise<DriveImportResult> {
  const store = await openRemote(o.db, o.remote, o);
  const { importFromDrive } = await import('../drive/pack/importDrive');
  const r = await importFromDrive({
    db: o.db,
    remote: store,
    remoteId: o.remote.id,
    secrets: o.secrets,
    machine: o.machine,
    password: o.password,
    cacheDir: path.join(o.dataDir ?? path.dirname(o.db.name), 'remote-cache', String(o.remote.id)),
    now: o.now,
    actor: o.actor ?? 'user',
  });
  if (o.remote.kind !== 'drive')
    for (const p of r.plans) {
      const plan = findPlan(o.db, p.planName);
      if (plan) attachPlan(o.db, o.remote.id, plan.id);
    }
  return r;
}

/**
 * The remotes holding a copy of some plan (Drive first), each opened: what a password change seals the key
 * file again on. Opening them all first checks they are reachable before anything changes.
 */
export async function openCopyHolders(
  db: Db,
  access: { secrets: SecretStore; env?: NodeJS.ProcessEnv },
): Promise<{ row: RemoteRow; store: DriveRemote }[]> {
  const ids = new Set(
    db
      .prepare('SELECT DISTINCT remote_id FROM drive_plans WHERE folder_id IS NOT NULL')
      .pluck()
      .all() as number[],
  );
  const out: { row: RemoteRow; store: DriveRemote }[] = [];
  for (const row of listRemotes(db).filter((r) => ids.has(r.id)))
    out.push({ row, store: await openRemote(db, row, access) });
  return out;
}

/** A remote as the off-site view and `cairn remote list` show it, from the catalog alone (no network). */
export interface RemoteState {
  name: string;
  kind: RemoteRow['kind'];
  label: string;
  autoPush: boolean;
  plans: {
    plan: string;
    lastPushAt: number | null;
    lastPushBytes: number | null;
    /** Content bytes a push would still upload (drivePendingBytes). */
    bytesWaiting: number;
    backupsOnRemote: number;
    /** The last push's failure (not while it waits for a store's limit: see resumesAt). */
    error: { code: string; message: string; at: number } | null;
    resumesAt: number | null;
  }[];
  /**
   * error: a plan's last push failed; never: nothing pushed yet; waiting: backups not there yet; off: Google
   * Drive, never pushed and not connected here (not in use, so nothing is waiting for it); else ok.
   */
  state: 'ok' | 'error' | 'waiting' | 'never' | 'off';
}

/** The state of one plan's copy on a remote. */
function planState(db: Db, remote: RemoteRow, plan: Plan): RemoteState['plans'][number] {
  const c = { remoteId: remote.id, planId: plan.id };
  const st = findDrivePlan(db, c);
  const resumesAt = st?.resumesAt ?? null;
  const failed = !resumesAt && st?.lastErrorAt && st.lastErrorMessage;
  return {
    plan: plan.name,
    lastPushAt: st?.lastPushAt ?? null,
    lastPushBytes: st?.lastPushBytes ?? null,
    bytesWaiting: drivePendingBytes(db, c),
    backupsOnRemote: listDriveManifests(db, c).length,
    error: failed
      ? { code: st.lastErrorCode ?? 'drive', message: st.lastErrorMessage!, at: st.lastErrorAt! }
      : null,
    resumesAt,
  };
}

/** One word for a remote from its plans' states. */
function overall(plans: RemoteState['plans']): RemoteState['state'] {
  if (plans.some((p) => p.error)) return 'error';
  if (!plans.some((p) => p.lastPushAt !== null || p.backupsOnRemote > 0)) return 'never';
  if (plans.some((p) => p.bytesWaiting > 0 || p.resumesAt !== null)) return 'waiting';
  return 'ok';
}

/**
 * Every remote (Drive first) with each plan it copies: last push, bytes waiting, backups on the remote, the
 * last error; from the catalog at once, without asking any store.
 */
export async function remoteStates(o: {
  db: Db;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  now: () => number;
}): Promise<RemoteState[]> {
  const driveLinked =
    Boolean((o.env ?? process.env).CAIRN_DRIVE_REFRESH_TOKEN) ||
    Boolean(o.secrets.sealedElsewhere?.()) ||
    (await o.secrets.get(DRIVE_TOKENS_KEY)) !== null;
  return listRemotes(o.db).map((r) => {
    const plans = remotePlanIds(o.db, r)
      .flatMap((id) => findPlanById(o.db, id) ?? [])
      .map((p) => planState(o.db, r, p));
    const state = overall(plans);
    return {
      name: r.name,
      kind: r.kind,
      label: remoteLabel(r),
      autoPush: r.kind === 'drive' ? driveSettings(o.db).autoPush : r.autoPush,
      plans,
      state: r.kind === 'drive' && state === 'never' && !driveLinked ? ('off' as const) : state,
    };
  });
}
