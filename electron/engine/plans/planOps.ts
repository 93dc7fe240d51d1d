import cron from 'node-cron';
import path from 'node:path';
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import {
  deletePlan,
  getPlan,
  insertPlan,
  updatePlan,
  type Plan,
  type PlanInput,
  type PlanPatch,
} from '../catalog/plans';
import { checkOverlap, checkSources } from '../backup/checks';
import { checkExcludes, DEFAULT_EXCLUDES } from '../format/excludes';
import { makeDirs, refusePseudoFs } from '../format/pseudoFs';
import { CairnError, errnoCode } from '../errors';

/** Checks a cron expression (five fields, or six with seconds). */
export function checkSchedule(expr: string): void {
  if (!cron.validate(expr)) {
    throw new CairnError(
      'usage',
      `The schedule "${expr}" is not a cron expression; for daily at 02:00 write "0 2 * * *".`,
    );
  }
}

function checkRetention(p: Partial<PlanInput>): void {
  for (const k of [
    'keepLast',
    'keepDaily',
    'keepWeekly',
    'keepMonthly',
    'keepYearly',
    'keepWithinHours',
    'keepNotedDays',
    'staleHours',
  ] as const) {
    const v = p[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      throw new CairnError('usage', `${k} must be a whole number of 0 or more (got ${String(v)}).`);
    }
  }
}

function prepareDest(dest: string): void {
  refusePseudoFs(dest, 'The backup folder');
  try {
    makeDirs(dest);
  } catch (e) {
    throw new CairnError(
      'dest-unwritable',
      `The backup folder ${dest} cannot be created (${errnoCode(e) ?? String(e)}).`,
    );
  }
}

/** Creates a plan after checking its folders, schedule and patterns; default excludes unless told otherwise. */
export function createPlan(
  db: Db,
  input: PlanInput & { defaultExcludes?: boolean },
  now: number,
  actor: string,
): Plan {
  const dest = path.resolve(input.dest);
  const sources = input.sources.map((s) => path.resolve(s));
  if (sources.length === 0)
    throw new CairnError('usage', 'A plan needs at least one source folder (--source DIR).');
  if (new Set(sources).size !== sources.length)
    throw new CairnError('usage', 'The same source folder is listed twice.');
  checkSources(sources);
  checkOverlap(dest, sources);
  if (input.schedule) checkSchedule(input.schedule);
  checkRetention(input);
  const excludes = [...(input.defaultExcludes === false ? [] : DEFAULT_EXCLUDES), ...(input.excludes ?? [])];
  checkExcludes(excludes);
  prepareDest(dest);
  const plan = insertPlan(db, { ...input, dest, sources, excludes }, now);
  logActivity(db, {
    at: now,
    planId: plan.id,
    kind: 'plan',
    actor,
    message: `Plan ${plan.name} created`,
    details: { dest, sources },
  });
  return plan;
}

/** Changes a plan, with the same checks as creation. */
export function editPlan(db: Db, name: string, patch: PlanPatch, now: number, actor: string): Plan {
  const cur = getPlan(db, name);
  const dest = patch.dest !== undefined ? path.resolve(patch.dest) : cur.dest;
  const sources = patch.sources ? patch.sources.map((s) => path.resolve(s)) : cur.sources.map((s) => s.path);
  if (patch.sources) {
    if (sources.length === 0) throw new CairnError('usage', 'A plan needs at least one source folder.');
    checkSources(sources);
  }
  checkOverlap(dest, sources);
  if (patch.schedule) checkSchedule(patch.schedule);
  checkRetention(patch);
  if (patch.excludes) checkExcludes(patch.excludes);
  if (patch.dest !== undefined) prepareDest(dest);
  const plan = updatePlan(db, name, { ...patch, dest, sources: patch.sources ? sources : undefined }, now);
  logActivity(db, {
    at: now,
    planId: plan.id,
    kind: 'settings',
    actor,
    message: `Plan ${plan.name} changed`,
    details: patch,
  });
  return plan;
}

/** Removes a plan from the catalog; its backup folders stay on disk. */
export function removePlan(db: Db, name: string, now: number, actor: string): Plan {
  const plan = deletePlan(db, name);
  logActivity(db, {
    at: now,
    kind: 'plan',
    actor,
    message: `Plan ${plan.name} removed (its backups stay in ${plan.dest})`,
  });
  return plan;
}
