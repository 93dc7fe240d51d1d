import { getPlan, listPlans } from '../../../catalog/plans';
import { dbSourceViews } from '../../../dbsource/store';
import { createPlan, editPlan, removePlan } from '../../../plans/planOps';
import { describeSchedule } from '../../../schedule/describe';
import { nextRuns } from '../../../schedule/nextRun';
import { isTimezone } from '../../../schedule/zoned';
import { CairnError } from '../../../errors';
import type { HandlerGroup } from '../context';
import { previewSources } from '../preview';
import { readSettings } from '../settingsStore';

/** Plans, sources (folders and databases) and schedules. */
export const planHandlers: HandlerGroup<
  | 'planList'
  | 'planGet'
  | 'planCreate'
  | 'planUpdate'
  | 'planRemove'
  | 'sourcePreview'
  | 'scheduleDescribe'
  | 'dbSourceList'
> = {
  planList: (_i, c) => listPlans(c.db),
  planGet: (i, c) => getPlan(c.db, i.plan),
  planCreate: (i, c) => {
    const p = createPlan(c.db, i, c.now(), c.actor);
    c.changed();
    return p;
  },
  planUpdate: (i, c) => {
    const { rename, ...rest } = i.patch;
    const p = editPlan(c.db, i.plan, { ...rest, name: rename }, c.now(), c.actor);
    c.changed();
    return p;
  },
  planRemove: (i, c) => {
    if (c.runs.of(i.plan)) {
      throw new CairnError(
        'conflict',
        `A backup of ${i.plan} is running; cancel it or wait, then remove the plan.`,
      );
    }
    const p = removePlan(c.db, i.plan, c.now(), c.actor);
    c.changed();
    return { removed: p.name, backupsKeptIn: `${p.dest}/${p.name}` };
  },
  sourcePreview: (i) =>
    previewSources({
      sources: i.sources,
      excludes: i.excludes,
      listLimit: i.listLimit ?? 200,
      timeLimitMs: i.timeLimitMs ?? 5000,
    }),
  dbSourceList: (i, c) => dbSourceViews(c.db, getPlan(c.db, i.plan).id),
  scheduleDescribe: (i, c) => {
    const timezone = i.timezone ?? readSettings(c.db).timezone;
    if (!isTimezone(timezone)) {
      return { valid: false, text: `"${timezone}" is not a timezone.`, timezone, nextRuns: [] };
    }
    const d = describeSchedule(i.schedule);
    return { ...d, timezone, nextRuns: d.valid ? nextRuns(i.schedule, timezone, c.now(), i.count ?? 3) : [] };
  },
};
