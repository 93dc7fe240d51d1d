import fs from 'node:fs';
import { latestGoodBackup, listBackups, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { describeSchedule } from '../schedule/describe';
import { nextRun } from '../schedule/nextRun';

export type HealthState = 'healthy' | 'attention' | 'failing' | 'waiting-disk';

export interface HealthInput {
  plan: Pick<Plan, 'dest' | 'staleHours' | 'createdAt'>;
  now: number;
  lastGood: BackupRecord | undefined;
  /** The newest run that was not cancelled. */
  lastRun: BackupRecord | undefined;
  destPresent: boolean;
}

export interface Health {
  state: HealthState;
  reasons: string[];
}

const HOUR = 3600_000;

/** True for a run the user (or a shutdown) cancelled: it says nothing about the plan's health. */
export function isCancelled(b: BackupRecord): boolean {
  return b.status === 'failed' && (b.error ?? '').startsWith('The backup was cancelled');
}

/**
 * A plan's health from its last runs: failing when the newest run failed, waiting for the disk when that
 * failure (or staleness) comes with the backup folder missing, attention when stale or with warnings.
 */
export function assessHealth(i: HealthInput): Health {
  const { plan, lastGood, lastRun } = i;
  const diskAway = `The backup disk (${plan.dest}) is not connected; the backup runs when it is back.`;
  if (lastRun && lastRun.status === 'failed' && (!lastGood || lastRun.startedAt > lastGood.startedAt)) {
    if (!i.destPresent) return { state: 'waiting-disk', reasons: [diskAway] };
    return {
      state: 'failing',
      reasons: [`The last backup failed: ${lastRun.error ?? 'no reason was recorded'}`],
    };
  }
  const staleMs = plan.staleHours * HOUR;
  if (!lastGood) {
    const reason = 'No backup has been made yet.';
    if (!i.destPresent) return { state: 'waiting-disk', reasons: [reason, diskAway] };
    return { state: 'attention', reasons: [reason] };
  }
  const age = i.now - lastGood.finishedAt;
  if (plan.staleHours > 0 && age > staleMs) {
    const reason = `The last good backup is ${Math.floor(age / HOUR)} hours old (the limit is ${plan.staleHours}).`;
    if (!i.destPresent) return { state: 'waiting-disk', reasons: [reason, diskAway] };
    return { state: 'attention', reasons: [reason] };
  }
  if (lastGood.verifyResult?.startsWith('damaged')) {
    return {
      state: 'attention',
      reasons: [
        `Verify found backup ${lastGood.stamp} ${lastGood.verifyResult}; see which files with: cairn verify ${lastGood.planName}/${lastGood.stamp}.`,
      ],
    };
  }
  if (lastGood.status === 'warnings') {
    return {
      state: 'attention',
      reasons: [`The last backup skipped or could not read ${lastGood.warnings} file(s); see its warnings.`],
    };
  }
  return { state: 'healthy', reasons: i.destPresent ? [] : [diskAway] };
}

/** How bad a state is, for the overall state and exit codes. */
export function severity(s: HealthState): number {
  return s === 'healthy' ? 0 : s === 'failing' ? 3 : s === 'waiting-disk' ? 2 : 1;
}

/** `cairn status` exit code: 0 healthy, 1 attention (stale, warnings, disk away), 2 failing. */
export function statusExitCode(states: HealthState[]): number {
  const worst = Math.max(0, ...states.map(severity));
  return worst === 0 ? 0 : worst === 3 ? 2 : 1;
}

export interface PlanHealth extends Health {
  planName: string;
  lastGood: BackupRecord | undefined;
  lastRun: BackupRecord | undefined;
  nextRun: number | null;
  scheduleText: string;
}

/** Reads a plan's runs from the catalog and the destination's presence from disk, and assesses them. */
export function planHealth(db: Db, plan: Plan, now: number, timezone: string): PlanHealth {
  const lastGood = latestGoodBackup(db, plan.id);
  const lastRun = listBackups(db, { planId: plan.id, includeFailed: true, limit: 20 }).find(
    (b) => !isCancelled(b),
  );
  const destPresent = fs.existsSync(plan.dest);
  const h = assessHealth({ plan, now, lastGood, lastRun, destPresent });
  return {
    ...h,
    planName: plan.name,
    lastGood,
    lastRun,
    nextRun: nextRun(plan.schedule, timezone, now),
    scheduleText: describeSchedule(plan.schedule).text,
  };
}
