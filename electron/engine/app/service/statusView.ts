import type { Status } from '../../../../shared/contract';
import type { z } from 'zod';
import { hostname } from 'node:os';
import { listPlans } from '../../catalog/plans';
import { worstState } from '../../health/health';
import { planHealth } from '../../health/planHealth';
import type { ServiceContext } from './context';
import { readPause } from './pause';
import { readSettings } from './settingsStore';

/** The status of every plan as the UI shows it: health, last and next run, changes, watcher, live run. */
export function collectStatus(
  c: Pick<ServiceContext, 'db' | 'now' | 'runs' | 'watch' | 'jobs'>,
): z.output<typeof Status> {
  const now = c.now();
  const { timezone } = readSettings(c.db);
  const plans = listPlans(c.db).map((plan) => {
    const jobs = c.jobs.onPlan(plan);
    const run = c.runs.of(plan.name);
    const backupRunning = (run !== null && run.phase !== 'queued') || jobs.some((j) => j.kind === 'backup');
    const h = planHealth(c.db, plan, now, { timezone, backupRunning });
    const watch = c.watch?.state(plan.name) ?? { state: 'off' as const, message: null };
    const reasons = [...h.reasons];
    if (watch.state === 'failed' && watch.message) reasons.push(watch.message);
    return {
      planName: plan.name,
      state: h.state,
      reasons,
      issues: h.issues,
      lastGood: h.lastGood
        ? {
            stamp: h.lastGood.stamp,
            finishedAt: h.lastGood.finishedAt,
            status: h.lastGood.status as 'complete' | 'warnings',
            ageHours: Math.max(0, (now - h.lastGood.finishedAt) / 3600_000),
          }
        : null,
      lastRun: h.lastRun
        ? {
            stamp: h.lastRun.stamp,
            status: h.lastRun.status,
            finishedAt: h.lastRun.finishedAt,
            error: h.lastRun.error,
          }
        : null,
      nextRun: h.nextRun,
      schedule: plan.schedule,
      scheduleText: h.scheduleText,
      staleHours: plan.staleHours,
      changedFiles: c.watch?.changedFiles(plan.name) ?? null,
      watch,
      run,
      jobs: jobs.map((j) => ({
        kind: j.kind,
        actor: j.actor,
        startedAt: j.startedAt,
        elsewhere: j.pid !== process.pid || j.host !== hostname(),
      })),
    };
  });
  return {
    overall: worstState(plans.map((p) => p.state)),
    plans,
    timezone,
    generatedAt: now,
    pause: readPause(c.db, now),
  };
}
