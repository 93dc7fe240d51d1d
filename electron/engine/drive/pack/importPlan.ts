import { ManifestReader } from '../../format/manifest';
import type { Db } from '../../catalog/db';
import { DEFAULT_RETENTION, findPlan, insertPlan, type Plan } from '../../catalog/plans';
import { CairnError } from '../../errors';

/** plan.json on Drive (folders.ts planSettings). */
export interface PlanJson {
  dest?: string;
  schedule?: string;
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithinHours?: number;
  keepNotedDays?: number;
  autoPrune?: boolean;
  staleHours?: number;
  sources?: { label: string; path: string }[];
  excludes?: string[];
  /** The OAuth client that wrote the copy (its ID only). */
  oauthClientId?: unknown;
}

/**
 * Creates a plan from the plan.json found on Drive, keeping the source labels its backups were made with
 * (a restore puts each source under its label).
 */
export function planFromSettings(db: Db, name: string, s: PlanJson, now: number): Plan {
  if (!s.sources?.length || !s.dest)
    throw new CairnError('corrupt', `plan.json of ${name} on Drive names no sources.`);
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : d);
  const plan = insertPlan(
    db,
    {
      name,
      dest: s.dest,
      sources: s.sources.map((x) => x.path),
      excludes: s.excludes ?? [],
      schedule: typeof s.schedule === 'string' ? s.schedule : undefined,
      keepLast: num(s.keepLast, DEFAULT_RETENTION.keepLast),
      keepDaily: num(s.keepDaily, DEFAULT_RETENTION.keepDaily),
      keepWeekly: num(s.keepWeekly, DEFAULT_RETENTION.keepWeekly),
      keepMonthly: num(s.keepMonthly, DEFAULT_RETENTION.keepMonthly),
      keepYearly: num(s.keepYearly, DEFAULT_RETENTION.keepYearly),
      keepWithinHours: num(s.keepWithinHours, DEFAULT_RETENTION.keepWithinHours),
      keepNotedDays: num(s.keepNotedDays, DEFAULT_RETENTION.keepNotedDays),
      autoPrune: s.autoPrune,
      staleHours: typeof s.staleHours === 'number' ? s.staleHours : undefined,
    },
    now,
  );
  const relabel = db.prepare('UPDATE sources SET label = ? WHERE plan_id = ? AND position = ?');
  db.transaction(() => s.sources!.forEach((_x, i) => relabel.run(`\0tmp${i}`, plan.id, i)))();
  db.transaction(() => s.sources!.forEach((x, i) => relabel.run(x.label, plan.id, i)))();
  return findPlan(db, name)!;
}

/** The size of each content (by SHA-256) a manifest names. */
export async function manifestSizes(file: string): Promise<Map<string, number>> {
  const r = await ManifestReader.open(file);
  const sizes = new Map<string, number>();
  try {
    await r.readAll((e) => {
      if (e.kind === 'f' && e.sha256) sizes.set(e.sha256, e.size);
    });
  } finally {
    r.close();
  }
  return sizes;
}
