// The Drive retention policy of a plan: its own count rules (drive_plans), else the local ones. Light on
// imports: `cairn plan` reads and sets it without loading the Drive client.
import type { Db } from '../../catalog/db';
import type { Plan, Retention } from '../../catalog/plans';
import { CairnError } from '../../errors';
import { listBackups } from '../../catalog/backups';
import { applyRetention } from '../../retention/policy';
import { drivePlan, findDrivePlan, listDriveManifests } from './store';

/**
 * The plan's Drive retention: its own count rules when set, else the local ones (the default); keep-within
 * and the days a noted backup made by hand is kept are always the plan's.
 */
export function drivePolicy(db: Db, remoteId: number, plan: Plan): Retention {
  const s = findDrivePlan(db, { remoteId, planId: plan.id }) as unknown as
    Record<string, number | null> | undefined;
  const own = (k: string, local: number) => (s && s[k] !== null && s[k] !== undefined ? s[k] : local);
  return {
    keepLast: own('keepLast', plan.keepLast),
    keepDaily: own('keepDaily', plan.keepDaily),
    keepWeekly: own('keepWeekly', plan.keepWeekly),
    keepMonthly: own('keepMonthly', plan.keepMonthly),
    keepYearly: own('keepYearly', plan.keepYearly),
    keepWithinHours: plan.keepWithinHours,
    keepNotedDays: plan.keepNotedDays,
  };
}

/** The Drive count rules, by name, as the CLI (--drive-keep-*) and the UI set them. */
export type DriveCounts = Pick<
  Retention,
  'keepLast' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly'
>;
const COUNT_COLUMNS: [keyof DriveCounts, string][] = [
  ['keepLast', 'keep_last'],
  ['keepDaily', 'keep_daily'],
  ['keepWeekly', 'keep_weekly'],
  ['keepMonthly', 'keep_monthly'],
  ['keepYearly', 'keep_yearly'],
];

/** Sets some of the plan's own Drive count rules (the others stay as they are: their own, or the local ones). */
export function editDrivePolicy(
  db: Db,
  remoteId: number,
  plan: Plan,
  machine: string,
  patch: Partial<DriveCounts>,
): Retention {
  drivePlan(db, { remoteId, planId: plan.id }, machine);
  for (const [k, col] of COUNT_COLUMNS) {
    const v = patch[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0)
      throw new CairnError('usage', `A Drive retention count is a whole number from 0 (got ${v}).`);
    db.prepare(`UPDATE drive_plans SET ${col} = ? WHERE remote_id = ? AND plan_id = ?`).run(
      v,
      remoteId,
      plan.id,
    );
  }
  return drivePolicy(db, remoteId, plan);
}

/**
 * Which backups on Drive the Drive policy (or `policy` over it: an edit not saved yet) keeps at `now` and
 * why, newest first (pins and notes from the catalog).
 */
export function previewDrivePrune(
  db: Db,
  remoteId: number,
  plan: Plan,
  now: number,
  timeZone?: string,
  policy: Partial<Retention> = {},
) {
  const on = listDriveManifests(db, { remoteId, planId: plan.id });
  const local = new Map(listBackups(db, { planId: plan.id }).map((b) => [b.stamp, b]));
  const inputs = on.map((m, i) => ({
    id: i,
    startedAt: m.startedAt,
    pinned: local.get(m.stamp)?.pinned ?? false,
    note: local.get(m.stamp)?.note ?? null,
    manual: local.get(m.stamp)?.manual ?? false,
  }));
  return applyRetention(inputs, { ...drivePolicy(db, remoteId, plan), ...policy }, now, timeZone).map(
    (d) => ({
      stamp: on[d.id]!.stamp,
      startedAt: on[d.id]!.startedAt,
      keep: d.keep,
      reasons: d.reasons,
    }),
  );
}
