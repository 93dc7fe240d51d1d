import type { Plan } from '../../catalog/plans';
import { undoRestore, type UndoSummary } from '../../restore/undo';
import type { OpsDeps } from './deps';

/**
 * Undoes an in-place restore as one "undo" job: a second undo of the plan is refused while it runs, and
 * one of an undone restore says so. The safety backup it reads is kept by prune meanwhile (readingStamps).
 */
export function undoOp(
  d: Pick<OpsDeps, 'db' | 'jobs' | 'now' | 'actor'>,
  plan: Plan,
  safetyStamp: string,
  signal?: AbortSignal,
): Promise<UndoSummary> {
  return d.jobs.run(
    'undo',
    plan,
    d.actor,
    () => undoRestore({ db: d.db, plan, safetyStamp, now: d.now, actor: d.actor, signal }),
    safetyStamp,
  );
}
