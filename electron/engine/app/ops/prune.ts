import type { Plan } from '../../catalog/plans';
import { writeBackupIndex } from '../../catalog/backupIndex';
import { releaseSafetyPins } from '../../catalog/restores';
import { prunePlan, type PruneResult } from '../../retention/prune';
import { readSettings } from '../service/settingsStore';
import type { OpsDeps } from './deps';

/**
 * Applies the plan's retention as a "prune" job; backups a restore or verify reads now are kept. The pins
 * of "before restore" backups whose restore is undone or old enough go back to retention first.
 */
export function pruneOp(
  d: Pick<OpsDeps, 'db' | 'jobs' | 'now' | 'actor'>,
  plan: Plan,
  o: { dryRun?: boolean; expect?: string[] } = {},
): PruneResult {
  if (releaseSafetyPins(d.db, plan.id, d.now()).length) writeBackupIndex(d.db, plan);
  const run = () =>
    prunePlan(d.db, plan, {
      now: d.now(),
      actor: d.actor,
      dryRun: o.dryRun,
      expect: o.expect,
      timeZone: readSettings(d.db).timezone,
      reading: d.jobs.readingStamps(plan),
      trash: d.jobs.trash,
    });
  if (o.dryRun) return run();
  const job = d.jobs.begin('prune', plan, d.actor);
  try {
    return run();
  } finally {
    job.end();
  }
}
