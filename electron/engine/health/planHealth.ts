// Gathers what is true of a plan now (catalog, backup disk, Drive state) and hands it to assessHealth.
import fs from 'node:fs';
import { listBackups, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import { listPlans, type Plan } from '../catalog/plans';
import { driveCopy, findDrivePlan, lastDriveQuota } from '../drive/pack/store';
import { remoteLabel } from '../remotes/open';
import { remotesOfPlan } from '../remotes/registry';
import { describeSchedule } from '../schedule/describe';
import { nextRun } from '../schedule/nextRun';
import { grewMost, growthRatio, sizeJump } from './growth';
import {
  assessHealth,
  isCancelled,
  type DiskSpace,
  type DriveFacts,
  type Health,
  type RemoteFacts,
  type SizeJump,
} from './health';
import { daysUntilFull, diskStatFs, growthPerDay, type StatFs } from './space';

export interface PlanHealth extends Health {
  planName: string;
  lastGood: BackupRecord | undefined;
  lastRun: BackupRecord | undefined;
  nextRun: number | null;
  scheduleText: string;
  /** The backup disk's room (null when the disk is away or cannot be read). */
  space: DiskSpace | null;
  /** The newest backup's size against the median of the 7 before it (null without history). */
  growthRatio: number | null;
}

export interface HealthProbes {
  timezone: string;
  /** A backup of the plan runs now, in any Cairn process. */
  backupRunning?: boolean;
  /** Free space of a folder's file system (fs.statfsSync unless a test gives its own). */
  statFs?: StatFs;
}

const AUTH = new Set(['invalid_grant', 'drive-auth']);
const FULL = new Set(['storageQuotaExceeded', 'drive-quota']);

/** The plan's Drive copy as the catalog knows it; null when the plan has none. */
function driveFacts(db: Db, planId: number): DriveFacts | null {
  const d = findDrivePlan(db, driveCopy(planId));
  if (!d) return null;
  const code = d.lastErrorCode ?? '';
  return {
    linkError: AUTH.has(code) ? d.lastErrorMessage : null,
    fullError: FULL.has(code) ? d.lastErrorMessage : null,
    quota: lastDriveQuota(db),
    waiting: d.resumesAt ? d.lastErrorMessage : null,
  };
}

/** The plan's other remotes (S3, rclone) whose last push failed, each named (a wait for a limit is not one). */
function remoteFacts(db: Db, planId: number): RemoteFacts[] {
  return remotesOfPlan(db, { id: planId }).flatMap((r) => {
    const d = findDrivePlan(db, { remoteId: r.id, planId });
    return d?.lastErrorMessage && !d.resumesAt
      ? [{ name: r.name, label: remoteLabel(r), error: d.lastErrorMessage }]
      : [];
  });
}

function device(dir: string): number | null {
  try {
    return fs.statSync(dir).dev;
  } catch {
    return null;
  }
}

/** Free space of the plan's disk, and days until full at the growth of every plan that backs up there. */
function diskSpace(db: Db, plan: Plan, now: number, statFs: StatFs): DiskSpace | null {
  const s = statFs(plan.dest);
  if (!s) return null;
  const dev = device(plan.dest);
  let perDay = 0;
  for (const p of listPlans(db)) {
    if (p.id !== plan.id && (dev === null || device(p.dest) !== dev)) continue;
    perDay += growthPerDay(listBackups(db, { planId: p.id, limit: 400 }), now) ?? 0;
  }
  return { ...s, fullDays: daysUntilFull(s.freeBytes, perDay) };
}

// The folders that grew are read once per backup (a scan of the plan's file versions).
const grewCache = new WeakMap<Db, Map<number, SizeJump['grew']>>();

function jumpOf(db: Db, good: BackupRecord[]): SizeJump | null {
  const j = sizeJump(good);
  if (!j) return null;
  const cache = grewCache.get(db) ?? new Map<number, SizeJump['grew']>();
  grewCache.set(db, cache);
  const id = good[0]!.id;
  if (!cache.has(id)) cache.set(id, grewMost(db, good[0]!.planId, id, good[1]!.id));
  return { ...j, grew: cache.get(id)! };
}

/**
 * Reads a plan's runs from the catalog, its disk's presence and room, and the state of its Drive copy and
 * of its other remotes, and assesses them.
 */
export function planHealth(db: Db, plan: Plan, now: number, p: HealthProbes): PlanHealth {
  const good = listBackups(db, { planId: plan.id, limit: 8 });
  const lastGood = good[0];
  const lastRun = listBackups(db, { planId: plan.id, includeFailed: true, limit: 20 }).find(
    (b) => !isCancelled(b),
  );
  const destPresent = fs.existsSync(plan.dest);
  const space = destPresent ? diskSpace(db, plan, now, p.statFs ?? diskStatFs) : null;
  const h = assessHealth({
    plan,
    now,
    lastGood,
    lastRun,
    destPresent,
    backupRunning: p.backupRunning,
    space,
    jump: jumpOf(db, good),
    drive: driveFacts(db, plan.id),
    remotes: remoteFacts(db, plan.id),
  });
  return {
    ...h,
    planName: plan.name,
    lastGood,
    lastRun,
    nextRun: nextRun(plan.schedule, p.timezone, now),
    scheduleText: describeSchedule(plan.schedule).text,
    space,
    growthRatio: growthRatio(good)?.ratio ?? null,
  };
}
