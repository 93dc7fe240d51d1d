import { getPlan, type Plan } from '../../catalog/plans';
import { editPlan } from '../../planOps';
import type { HandlerGroup } from '../context';
import { unavailable } from '../errors';

function policies(p: Plan) {
  const { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly } = p;
  return {
    planName: p.name,
    local: { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly },
    drive: null,
    autoPrune: p.autoPrune,
  };
}

/** Restore, verify and retention. The local policy lives in the plan; the rest waits for its engine. */
export const trustHandlers: HandlerGroup<
  'restore' | 'verify' | 'retentionGet' | 'retentionSet' | 'retentionPreview' | 'prune'
> = {
  restore: () => {
    throw unavailable('Restoring from the app');
  },
  verify: () => {
    throw unavailable('Verifying backups from the app');
  },
  retentionGet: (i, c) => policies(getPlan(c.db, i.plan)),
  retentionSet: (i, c) => {
    if (i.drive) throw unavailable('A retention policy for Google Drive');
    const p = editPlan(c.db, i.plan, { ...(i.local ?? {}), autoPrune: i.autoPrune }, c.now(), c.actor);
    c.changed();
    return policies(p);
  },
  retentionPreview: () => {
    throw unavailable('The retention preview');
  },
  prune: () => {
    throw unavailable('Pruning from the app');
  },
};
