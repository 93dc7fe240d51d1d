import path from 'node:path';
import { CairnError } from '../errors';
import type { Db } from './db';

export interface Retention {
  keepLast: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  keepYearly: number;
  /** Every backup of the last N hours is kept (restic's --keep-within); 0 turns it off. */
  keepWithinHours: number;
  /** A backup made by hand with a note is kept N days; 0 turns it off. */
  keepNotedDays: number;
}

export interface Source {
  label: string;
  path: string;
}

export interface Plan extends Retention {
  id: number;
  name: string;
  dest: string;
  schedule: string;
  autoPrune: boolean;
  staleHours: number;
  sources: Source[];
  excludes: string[];
  createdAt: number;
  updatedAt: number;
}

export interface PlanInput extends Partial<Retention> {
  name: string;
  dest: string;
  sources: string[];
  excludes?: string[];
  schedule?: string;
  autoPrune?: boolean;
  staleHours?: number;
}

export type PlanPatch = Partial<Omit<PlanInput, 'name'>> & { name?: string };

export const DEFAULT_RETENTION: Retention = {
  keepLast: 0,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  keepYearly: 0,
  keepWithinHours: 24,
  keepNotedDays: 30,
};

export const DEFAULT_SCHEDULE = '0 2 * * *';

const PLAN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a plan name: it becomes a folder name under the destination. */
export function checkPlanName(name: string): void {
  if (!PLAN_NAME.test(name)) {
    throw new CairnError(
      'usage',
      `Plan name "${name}" is not usable: use letters, digits, dot, dash or underscore (up to 64, starting with a letter or digit).`,
    );
  }
}

/** Labels each source by its folder name, made unique within the plan ("photos", "photos-2"). */
export function labelSources(paths: string[]): Source[] {
  const used = new Set<string>();
  return paths.map((p) => {
    const base = path.basename(p).replace(/[^\p{L}\p{N}._ -]/gu, '_') || 'root';
    let label = base;
    for (let i = 2; used.has(label); i++) label = `${base}-${i}`;
    used.add(label);
    return { label, path: p };
  });
}

interface PlanRow {
  id: number;
  name: string;
  dest: string;
  schedule: string;
  keep_last: number;
  keep_daily: number;
  keep_weekly: number;
  keep_monthly: number;
  keep_yearly: number;
  keep_within_hours: number;
  keep_noted_days: number;
  auto_prune: number;
  stale_hours: number;
  created_at: number;
  updated_at: number;
}

function toPlan(db: Db, r: PlanRow): Plan {
  const sources = db
    .prepare('SELECT label, path FROM sources WHERE plan_id = ? ORDER BY position')
    .all(r.id) as Source[];
  const excludes = (
    db.prepare('SELECT pattern FROM excludes WHERE plan_id = ? ORDER BY position').all(r.id) as {
      pattern: string;
    }[]
  ).map((e) => e.pattern);
  return {
    id: r.id,
    name: r.name,
    dest: r.dest,
    schedule: r.schedule,
    keepLast: r.keep_last,
    keepDaily: r.keep_daily,
    keepWeekly: r.keep_weekly,
    keepMonthly: r.keep_monthly,
    keepYearly: r.keep_yearly,
    keepWithinHours: r.keep_within_hours,
    keepNotedDays: r.keep_noted_days,
    autoPrune: r.auto_prune === 1,
    staleHours: r.stale_hours,
    sources,
    excludes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Every plan, by name. */
export function listPlans(db: Db): Plan[] {
  return (db.prepare('SELECT * FROM plans ORDER BY name').all() as PlanRow[]).map((r) => toPlan(db, r));
}

/** The plan with this name, or undefined. */
export function findPlan(db: Db, name: string): Plan | undefined {
  const r = db.prepare('SELECT * FROM plans WHERE name = ?').get(name) as PlanRow | undefined;
  return r && toPlan(db, r);
}

/** The plan with this id, or undefined. */
export function findPlanById(db: Db, id: number): Plan | undefined {
  const r = db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
  return r && toPlan(db, r);
}

/** The plan with this name; a CairnError naming the known plans otherwise. */
export function getPlan(db: Db, name: string): Plan {
  const p = findPlan(db, name);
  if (p) return p;
  const names = listPlans(db).map((x) => x.name);
  throw new CairnError(
    'not-found',
    names.length
      ? `There is no plan named "${name}"; the plans are: ${names.join(', ')}.`
      : `There is no plan named "${name}"; create one with: cairn plan add ${name} --source DIR --dest DIR.`,
  );
}

function writeChildren(db: Db, planId: number, sources?: string[], excludes?: string[]): void {
  if (sources) {
    db.prepare('DELETE FROM sources WHERE plan_id = ?').run(planId);
    const ins = db.prepare('INSERT INTO sources (plan_id, position, label, path) VALUES (?, ?, ?, ?)');
    labelSources(sources).forEach((s, i) => ins.run(planId, i, s.label, s.path));
  }
  if (excludes) {
    db.prepare('DELETE FROM excludes WHERE plan_id = ?').run(planId);
    const ins = db.prepare('INSERT INTO excludes (plan_id, position, pattern) VALUES (?, ?, ?)');
    excludes.forEach((p, i) => ins.run(planId, i, p));
  }
}

/** Stores a new plan; the caller has checked its folders. */
export function insertPlan(db: Db, input: PlanInput, now: number): Plan {
  checkPlanName(input.name);
  if (findPlan(db, input.name)) {
    throw new CairnError(
      'conflict',
      `A plan named "${input.name}" already exists; pick another name or edit it.`,
    );
  }
  const r = { ...DEFAULT_RETENTION, ...definedOnly(input) };
  return db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO plans (name, dest, schedule, keep_last, keep_daily, keep_weekly, keep_monthly, keep_yearly,
           keep_within_hours, keep_noted_days, auto_prune, stale_hours, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.name,
        input.dest,
        input.schedule ?? DEFAULT_SCHEDULE,
        r.keepLast,
        r.keepDaily,
        r.keepWeekly,
        r.keepMonthly,
        r.keepYearly,
        r.keepWithinHours,
        r.keepNotedDays,
        input.autoPrune === false ? 0 : 1,
        input.staleHours ?? 26,
        now,
        now,
      );
    const id = Number(info.lastInsertRowid);
    writeChildren(db, id, input.sources, input.excludes ?? []);
    return findPlanById(db, id)!;
  })();
}

/** Changes a plan's settings; absent fields stay as they are. */
export function updatePlan(db: Db, name: string, patch: PlanPatch, now: number): Plan {
  const plan = getPlan(db, name);
  if (patch.name !== undefined && patch.name !== name) {
    checkPlanName(patch.name);
    if (findPlan(db, patch.name))
      throw new CairnError('conflict', `A plan named "${patch.name}" already exists.`);
  }
  const m = { ...plan, ...definedOnly(patch) };
  db.transaction(() => {
    db.prepare(
      `UPDATE plans SET name = ?, dest = ?, schedule = ?, keep_last = ?, keep_daily = ?, keep_weekly = ?,
         keep_monthly = ?, keep_yearly = ?, keep_within_hours = ?, keep_noted_days = ?, auto_prune = ?, stale_hours = ?, updated_at = ? WHERE id = ?`,
    ).run(
      m.name,
      m.dest,
      m.schedule,
      m.keepLast,
      m.keepDaily,
      m.keepWeekly,
      m.keepMonthly,
      m.keepYearly,
      m.keepWithinHours,
      m.keepNotedDays,
      m.autoPrune ? 1 : 0,
      m.staleHours,
      now,
      plan.id,
    );
    writeChildren(db, plan.id, patch.sources, patch.excludes);
  })();
  return findPlanById(db, plan.id)!;
}

/** Forgets a plan and its catalog entries; its backup folders on disk stay. */
export function deletePlan(db: Db, name: string): Plan {
  const plan = getPlan(db, name);
  db.prepare('DELETE FROM plans WHERE id = ?').run(plan.id);
  return plan;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
