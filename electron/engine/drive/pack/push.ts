import fs from 'node:fs';
import path from 'node:path';
import { planLayout } from '../../format/layout';
import { ManifestReader } from '../../format/manifest';
import { logActivity } from '../../catalog/activity';
import { listBackups, type BackupRecord } from '../../catalog/backups';
import type { Db } from '../../catalog/db';
import { listPlans, type Plan } from '../../catalog/plans';
import { CairnError, describeError } from '../../errors';
import { DriveError } from '../errors';
import { systemClock, type Clock } from '../pacing';
import type { SecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import { DRIVE_REMOTE_ID, listRemotes, remoteById } from '../../remotes/registry';
import { loadDriveKey, type DriveKey } from './crypto';
import { planFolders, syncBackupIndex, syncPlanFiles, type PlanFolders } from './folders';
import { asJob, type Admit } from '../../backup/lock';
import { Packer } from './packer';
import { pushManifest } from './pushManifest';
import { cleanStaging, progress, pushTmp, resumeStaged, uploadPack, type PushState } from './pushState';
import {
  copyOf,
  drivePlan,
  listDriveManifests,
  prunedFromDrive,
  remoteTitle,
  updateDrivePlan,
  type CopyId,
} from './store';

export interface PushProgress {
  planName: string;
  /** The backup being pushed. */
  stamp: string | null;
  packsUploaded: number;
  /** Bytes sent to Drive so far (packs, manifests, resent bytes included). */
  bytesUploaded: number;
  /** Content bytes packed so far. */
  contentBytes: number;
  /** Set while waiting for Google's upload limit (epoch ms). */
  waitingUntil: number | null;
  /** While waiting: "Waiting for Google's daily limit, resumes about HH:MM." */
  waiting?: string;
}

export interface PushOptions {
  db: Db;
  plan: Plan;
  remote: DriveRemote;
  /** Which remote of the catalog `remote` is (remotes/registry.ts; Drive: DRIVE_REMOTE_ID). */
  remoteId: number;
  secrets: SecretStore;
  /** The machine's folder under Cairn/ (default os.hostname() by the caller). */
  machine: string;
  now: () => number;
  actor: string;
  /** Sleeps while Google's upload limit lasts (tests inject a fake). */
  clock?: Clock;
  signal?: AbortSignal;
  /** The job coordinator's admission (app/jobs.ts): each attempt runs as a "push" job. */
  admit?: Admit;
  onProgress?: (p: PushProgress) => void;
  /** Content bytes per pack (default: the remote's packTargetBytes, else 32 MiB). */
  packTargetBytes?: number;
  /** On Google's upload or rate limit: wait and go on (default), or stop with the drive-limit error. */
  waitForLimits?: boolean;
  /**
   * The data folder: packs are staged in `<dataDir>/drive-staging/<plan id>/` (another remote:
   * `<dataDir>/remote-staging/<remote id>/<plan id>/`) until the remote has them, so a push killed mid-upload
   * finds them there (default: the catalog's folder, which is the data folder).
   */
  dataDir?: string;
}

export interface PushResult {
  planName: string;
  /** Backups whose manifest went to Drive in this push, oldest first. */
  pushed: string[];
  /** Backups left for later, with why (their folder is gone, their manifest unreadable). */
  skipped: { stamp: string; reason: string }[];
  /** Backups that were already on Drive. */
  alreadyOnDrive: number;
  packsUploaded: number;
  /** Packs a killed push had finished and that were found on Drive, not sent again. */
  packsRecovered: number;
  /** Bytes sent to Drive, resent bytes included. */
  bytesUploaded: number;
  /** Bytes of content packed (before compression). */
  contentBytes: number;
  /** Files whose content did not match the manifest and were left out (the next push tries again). */
  unreadable: string[];
  durationMs: number;
}

/**
 * Pushes a plan's backups to Drive: each content Drive lacks is packed (deduplicated by SHA-256 across all
 * backups of the plan) and uploaded, then each backup's manifest and pack map. Every pack is recorded
 * before its upload starts and marked when Drive's MD5 matched, so a push stopped at any point (even
 * kill -9) goes on where it stopped: finished packs are found, not sent again. Google's upload limit is
 * waited out; a full Drive or a revoked link stops the push with a DriveError and a status saying what to
 * do. Local backups are only read.
 */
export async function pushPlan(o: PushOptions): Promise<PushResult> {
  const clock = o.clock ?? systemClock;
  const c = copyOf(o);
  for (;;) {
    try {
      const r = await asJob(o.admit, 'push', o.plan, () => pushOnce(o));
      updateDrivePlan(o.db, c, {
        lastPushAt: o.now(),
        lastPushBytes: r.bytesUploaded,
        lastErrorCode: null,
        lastErrorMessage: null,
        lastErrorAt: null,
        resumesAt: null,
      });
      if (r.pushed.length || r.packsUploaded || r.skipped.length || r.unreadable.length) logPush(o, r);
      return r;
    } catch (e) {
      if (e instanceof CairnError && e.code === 'locked') throw e; // the running push owns the status
      const de = e instanceof DriveError ? e : null;
      const code = e instanceof CairnError ? e.code : 'internal';
      updateDrivePlan(o.db, c, {
        lastErrorCode: de?.reason ?? code,
        lastErrorMessage: describeError(e),
        lastErrorAt: o.now(),
        resumesAt: de?.resumesAt ?? null,
      });
      if (code === 'drive-limit' && de?.resumesAt && o.waitForLimits !== false && !o.signal?.aborted) {
        o.onProgress?.({ ...emptyProgress(o), waitingUntil: de.resumesAt, waiting: de.message });
        await clock.sleep(Math.max(0, de.resumesAt - clock.now()), o.signal);
        updateDrivePlan(o.db, c, { resumesAt: null }); // trying again now, no longer waiting
        continue;
      }
      if (code !== 'cancelled') {
        logActivity(o.db, {
          at: o.now(),
          planId: o.plan.id,
          kind: 'upload',
          level: 'error',
          actor: o.actor,
          message: `${remoteTitle(o.db, o.remoteId)} push of ${o.plan.name} stopped: ${describeError(e)}`,
          details: { remote: remoteName(o.db, o.remoteId) },
        });
      }
      throw e;
    }
  }
}

function emptyProgress(o: PushOptions): PushProgress {
  return {
    planName: o.plan.name,
    stamp: null,
    packsUploaded: 0,
    bytesUploaded: 0,
    contentBytes: 0,
    waitingUntil: null,
  };
}

function logPush(o: PushOptions, r: PushResult): void {
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    kind: 'upload',
    level: r.skipped.length || r.unreadable.length ? 'warning' : 'info',
    actor: o.actor,
    message:
      `Pushed ${r.pushed.length} backup(s) of ${o.plan.name} to ${remoteTitle(o.db, o.remoteId)}: ` +
      `${r.packsUploaded} pack(s), ` +
      `${r.bytesUploaded} bytes uploaded` +
      (r.skipped.length ? `; ${r.skipped.length} left for later` : '') +
      (r.unreadable.length ? `; ${r.unreadable.length} file(s) did not match their manifest` : ''),
    details: {
      remote: remoteName(o.db, o.remoteId),
      pushed: r.pushed,
      skipped: r.skipped,
      unreadable: r.unreadable.slice(0, 20),
    },
  });
}

async function pushOnce(opts: PushOptions): Promise<PushResult> {
  const t0 = Date.now();
  // The folder name first used for the plan stays, even if the host is renamed.
  const o = { ...opts, machine: machineFor(opts.db, copyOf(opts), opts.machine) };
  const key = await loadDriveKey(o.secrets);
  const stagingRoot = stagingRootOf(o.dataDir ?? path.dirname(o.db.name), o.remoteId);
  const stagingDir = path.join(stagingRoot, String(o.plan.id));
  removeGone(
    stagingRoot,
    listPlans(o.db).map((p) => p.id),
  );
  if (o.remoteId !== DRIVE_REMOTE_ID)
    removeGone(
      path.dirname(stagingRoot),
      listRemotes(o.db).map((r) => r.id),
    ); // of removed remotes
  const folders = await planFolders(o.db, o.remote, copyOf(o), o.plan, o.machine);
  // Everything is staged in the data folder: the backup disk may be unplugged (or, after an import, absent).
  const tmp = pushTmp(stagingDir);
  fs.rmSync(tmp, { recursive: true, force: true }); // left by a killed push
  fs.mkdirSync(tmp, { recursive: true, mode: 0o700 });
  // Where an older Cairn staged packs (on the backup disk): their packs are packed again from here.
  fs.rmSync(path.join(planLayout(o.plan.dest, o.plan.name).meta, 'drive-staging'), {
    recursive: true,
    force: true,
  });
  try {
    await syncPlanFiles(o.db, o.remote, copyOf(o), o.plan, o.machine, folders, key, tmp);
    return await pushBackups(o, folders, key, stagingDir, tmp, t0);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Where a remote's packs wait until it has them: `drive-staging/` for Drive (as before remotes), else
 * `remote-staging/<remote id>/`; each holds a folder per plan id.
 */
export function stagingRootOf(dataDir: string, remoteId: number): string {
  return remoteId === DRIVE_REMOTE_ID
    ? path.join(dataDir, 'drive-staging')
    : path.join(dataDir, 'remote-staging', String(remoteId));
}

/** Removes the staging folders (named by plan or remote id) in `dir` of plans or remotes that were removed. */
function removeGone(dir: string, kept: number[]): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const ids = new Set(kept.map(String));
  for (const n of names) if (!ids.has(n)) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
}

async function pushBackups(
  o: PushOptions,
  folders: PlanFolders,
  key: DriveKey | null,
  stagingDir: string,
  tmp: string,
  t0: number,
): Promise<PushResult> {
  const s: PushState = {
    o,
    folders,
    key,
    stagingDir,
    startBytes: o.remote.stats.bytesUploaded,
    result: {
      planName: o.plan.name,
      pushed: [],
      skipped: [],
      alreadyOnDrive: 0,
      packsUploaded: 0,
      packsRecovered: 0,
      bytesUploaded: 0,
      contentBytes: 0,
      unreadable: [],
      durationMs: 0,
    },
  };
  await resumeStaged(s);
  const c = copyOf(o);
  const onDrive = new Set(listDriveManifests(o.db, c).map((m) => m.stamp));
  for (const s of prunedFromDrive(o.db, c)) onDrive.add(s);
  const backups = listBackups(o.db, { planId: o.plan.id }).reverse();
  for (const [i, b] of backups.entries()) {
    if (onDrive.has(b.stamp)) {
      s.result.alreadyOnDrive++;
      continue;
    }
    o.signal?.throwIfAborted();
    await pushBackup(s, b, backups[i - 1]);
  }
  cleanStaging(s);
  await syncBackupIndex(o.db, o.remote, o.plan, folders, key, tmp);
  progress(s, null);
  s.result.durationMs = Date.now() - t0;
  return s.result;
}

async function pushBackup(s: PushState, b: BackupRecord, prev: BackupRecord | undefined): Promise<void> {
  const { o } = s;
  const layout = planLayout(o.plan.dest, o.plan.name);
  const dir = layout.backupDir(b.stamp);
  const manifestFile = layout.manifestFile(b.stamp);
  if (!fs.existsSync(dir) || !fs.existsSync(manifestFile)) {
    s.result.skipped.push({
      stamp: b.stamp,
      reason: `its folder ${dir} is not there (is the backup disk plugged in?)`,
    });
    return;
  }
  let reader: ManifestReader;
  try {
    reader = await ManifestReader.open(manifestFile);
  } catch (e) {
    s.result.skipped.push({ stamp: b.stamp, reason: `its manifest cannot be read (${describeError(e)})` });
    return;
  }
  const packer = new Packer({
    db: o.db,
    copy: copyOf(o),
    stagingDir: s.stagingDir,
    key: s.key,
    now: o.now,
    target: o.packTargetBytes ?? o.remote.packTargetBytes,
    onPack: (pack, file) => uploadPack(s, pack, file),
  });
  progress(s, b.stamp);
  const ok = await pushManifest({
    db: o.db,
    remote: o.remote,
    copy: copyOf(o),
    stamp: b.stamp,
    startedAt: b.startedAt,
    backupDir: dir,
    manifestFile,
    parent: prev ? { stamp: prev.stamp, manifestFile: layout.manifestFile(prev.stamp) } : null,
    reader,
    packer,
    folders: s.folders,
    key: s.key,
    stagingDir: s.stagingDir,
    now: o.now,
    signal: o.signal,
    onContent: (bytes) => {
      s.result.contentBytes += bytes;
    },
    onUnreadable: (p) => s.result.unreadable.push(`${b.stamp}/${p}`),
  });
  if (ok) s.result.pushed.push(b.stamp);
  else
    s.result.skipped.push({
      stamp: b.stamp,
      reason: 'some of its files could not be read; the next push tries again',
    });
  progress(s, b.stamp);
}

/** The machine's folder name on the remote, made once and kept (so renaming the host does not split the copy). */
export function machineFor(db: Db, c: CopyId, fallback: string): string {
  return drivePlan(db, c, fallback).machine;
}

/** The remote's name in the catalog, for activity details (the log and health name the remote). */
function remoteName(db: Db, remoteId: number): string {
  return remoteById(db, remoteId).name;
}
