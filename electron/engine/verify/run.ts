import type { Admit } from '../backup/lock';
import { logActivity } from '../catalog/activity';
import {
  getBackupById,
  latestGoodBackup,
  listBackups,
  recordVerify,
  type BackupRecord,
} from '../catalog/backups';
import type { Db } from '../catalog/db';
import { listPlans, type Plan } from '../catalog/plans';
import { restoreTest, type RestoreTestResult } from './restoreTest';
import { verifyBackupFolder, verifySummary, type BackupVerifyResult, type VerifyOptions } from './verify';

export interface VerifyTarget {
  plan: Plan;
  backup: BackupRecord;
}

type VerifiedBackup = BackupVerifyResult & { result: string; restoreTest?: RestoreTestResult };

const isDamaged = (r: VerifiedBackup) => r.missing + r.changed + r.extra + (r.restoreTest?.failed ?? 0) > 0;

export interface VerifyRunResult {
  results: VerifiedBackup[];
  /** Plans whose newest backup is older than the limit asked for. */
  stale: { planName: string; stamp: string | null; ageHours: number | null }[];
  /** 0 intact, 1 damage found, 2 nothing to verify or a backup too old (DESIGN.md section 9). */
  exitCode: number;
}

/** What `cairn verify` checks: one backup, every backup (all), or the newest backup of each plan. */
export function verifyTargets(
  db: Db,
  o: { one?: VerifyTarget; all?: boolean; planId?: number },
): VerifyTarget[] {
  if (o.one) return [o.one];
  const plans = listPlans(db).filter((p) => o.planId === undefined || p.id === o.planId);
  return plans.flatMap((plan) =>
    (o.all
      ? listBackups(db, { planId: plan.id })
      : [latestGoodBackup(db, plan.id)].filter((b) => b !== undefined)
    ).map((backup) => ({ plan, backup: backup! })),
  );
}

/**
 * Verifies backups one after another, sharing the hashes of hard-linked files so a file kept by many backups
 * is read once; records each result on the backup and in the activity log.
 */
export async function verifyBackups(
  db: Db,
  targets: VerifyTarget[],
  o: VerifyOptions & {
    now: () => number;
    actor: string;
    maxAgeHours?: number;
    restoreTest?: boolean;
    /** The job coordinator's admission (app/jobs.ts); each backup is verified as a "verify" job. */
    admit?: Admit;
  },
): Promise<VerifyRunResult> {
  const seen = o.seen ?? new Map<string, string>();
  const results: VerifyRunResult['results'] = [];
  for (const t of targets) {
    // Each backup is read as an admitted "verify" job: a prune meanwhile keeps it.
    const end = o.admit?.('verify', t.plan, t.backup.stamp);
    let r: Awaited<ReturnType<typeof verifyBackupFolder>>;
    let result: string;
    let test: RestoreTestResult | undefined;
    try {
      r = await verifyBackupFolder(t.plan.dest, t.plan.name, t.backup.stamp, { ...o, seen });
      result = verifySummary(r);
      if (o.restoreTest) {
        test = await restoreTest(db, t.plan, t.backup, o);
        result +=
          test.failed > 0
            ? `; restore test: ${test.failed} file(s) did not restore`
            : `; restore test passed (${test.files} files)`;
      }
    } finally {
      end?.();
    }
    results.push({ ...r, result, restoreTest: test });
    if (!getBackupById(db, t.backup.id)) continue; // pruned meanwhile
    const at = o.now();
    recordVerify(db, t.backup.id, at, result);
    const damaged = isDamaged(results.at(-1)!);
    logActivity(db, {
      at,
      planId: t.plan.id,
      backupId: t.backup.id,
      kind: 'verify',
      level: damaged ? 'error' : 'info',
      actor: o.actor,
      message: `Verified ${t.plan.name}/${t.backup.stamp}: ${result} (${r.files} files, ${r.hashedFiles} read)`,
      details: damaged ? { problems: r.problems.slice(0, 20) } : undefined,
    });
  }
  const stale: VerifyRunResult['stale'] = [];
  if (o.maxAgeHours !== undefined) {
    const plans = [...new Map(targets.map((t) => [t.plan.id, t.plan])).values()];
    for (const p of plans.length ? plans : listPlans(db)) {
      const newest = latestGoodBackup(db, p.id);
      const age = newest ? (o.now() - newest.startedAt) / 3_600_000 : null;
      if (age === null || age > o.maxAgeHours)
        stale.push({ planName: p.name, stamp: newest?.stamp ?? null, ageHours: age });
    }
  }
  const damaged = results.some(isDamaged);
  const exitCode = results.length === 0 || stale.length > 0 ? 2 : damaged ? 1 : 0;
  return { results, stale, exitCode };
}
