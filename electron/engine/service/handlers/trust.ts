import { getPlan, type Plan } from '../../catalog/plans';
import { editPlan } from '../../plans/planOps';
import { restoreBackup } from '../../restore/restore';
import { previewPrune, prunePlan } from '../../retention/prune';
import { verifyBackups, verifyTargets } from '../../verify/run';
import { CairnError } from '../../errors';
import type { HandlerGroup, ServiceContext } from '../context';
import { unavailable } from '../errors';
import { readSettings } from '../settingsStore';
import { driveSourceFor } from '../driveRestore';
import { backupOf } from './backups';

function policies(p: Plan) {
  const { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly } = p;
  return {
    planName: p.name,
    local: { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly },
    drive: null,
    autoPrune: p.autoPrune,
  };
}

/** Restores and verifies under way per plan (per service): prune waits for them, as it waits for backups. */
const reading = new WeakMap<ServiceContext, Map<string, number>>();

async function whileReading<T>(c: ServiceContext, plans: string[], f: () => Promise<T>): Promise<T> {
  let m = reading.get(c);
  if (!m) reading.set(c, (m = new Map()));
  for (const p of plans) m.set(p, (m.get(p) ?? 0) + 1);
  try {
    return await f();
  } finally {
    for (const p of plans) m.set(p, (m.get(p) ?? 1) - 1);
  }
}

function isReading(c: ServiceContext, plan: string): boolean {
  return (reading.get(c)?.get(plan) ?? 0) > 0;
}

function splitRef(ref: string | null): { planName: string; stamp: string } | null {
  if (!ref) return null;
  const i = ref.indexOf('/');
  return { planName: ref.slice(0, i), stamp: ref.slice(i + 1) };
}

/** Restore, verify and retention over their engines; Drive retention waits for the Drive engine. */
export const trustHandlers: HandlerGroup<
  'restore' | 'verify' | 'retentionGet' | 'retentionSet' | 'retentionPreview' | 'prune'
> = {
  restore: async (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const totalFiles = i.paths.length === 0 ? backup.files : null;
    const totalBytes = i.paths.length === 0 ? backup.bytes : null;
    const s = await whileReading(c, [plan.name], async () => {
      const fromDrive = await driveSourceFor(c, plan, backup);
      return restoreBackup({
        source: fromDrive?.source,
        manifestFile: fromDrive?.manifestFile,
        db: c.db,
        plan,
        backup,
        paths: i.paths,
        to: i.target.mode === 'to' ? i.target.dir : undefined,
        inPlace: i.target.mode === 'in-place',
        overwrite: i.overwrite,
        dryRun: i.dryRun,
        now: c.now,
        actor: c.actor,
        onProgress: (p) =>
          c.bus.emit('restoreProgress', {
            planName: plan.name,
            stamp: backup.stamp,
            files: p.files,
            bytes: p.bytes,
            totalFiles,
            totalBytes,
          }),
      });
    });
    return {
      dryRun: s.dryRun,
      files: s.written + s.overwritten + s.keptBoth + s.skipped,
      bytes: s.writtenBytes + s.overwrittenBytes + s.keptBothBytes + s.skippedBytes,
      written: s.written,
      overwritten: s.overwritten,
      keptBoth: s.keptBoth,
      skipped: s.skipped,
      verified: s.verified,
      keptFolders: s.keptFolders,
      failed: s.failures,
      safetyBackup: splitRef(s.beforeRestore),
      items: null,
      itemsTruncated: false,
    };
  },
  verify: async (i, c) => {
    const planId = i.plan ? getPlan(c.db, i.plan).id : undefined;
    const stamp = i.stamp ?? 'latest';
    let targets;
    if (stamp !== 'latest' && stamp !== 'all') {
      if (!i.plan) throw new CairnError('usage', 'Name the plan of the backup to verify.');
      targets = verifyTargets(c.db, { one: backupOf(c.db, i.plan, stamp) });
    } else targets = verifyTargets(c.db, { all: stamp === 'all', planId });
    if (targets.length === 0) throw new CairnError('not-found', 'There is no backup to verify yet.');
    const r = await whileReading(c, [...new Set(targets.map((t) => t.plan.name))], () =>
      verifyBackups(c.db, targets, { sample: i.samplePercent, now: c.now, actor: c.actor }),
    );
    const at = c.now();
    return {
      results: r.results.map((x) => {
        const paths = (kind: 'missing' | 'changed' | 'extra') =>
          x.problems.filter((p) => p.problem === kind).map((p) => p.path);
        return {
          planName: x.planName,
          stamp: x.stamp,
          intact: x.missing + x.changed + x.extra === 0,
          checkedFiles: x.hashedFiles,
          checkedBytes: x.hashedBytes,
          missing: paths('missing'),
          changed: paths('changed'),
          extra: paths('extra'),
          verifiedAt: at,
        };
      }),
    };
  },
  retentionGet: (i, c) => policies(getPlan(c.db, i.plan)),
  retentionSet: (i, c) => {
    if (i.drive) throw unavailable('A retention policy for Google Drive');
    const p = editPlan(c.db, i.plan, { ...(i.local ?? {}), autoPrune: i.autoPrune }, c.now(), c.actor);
    c.changed();
    return policies(p);
  },
  retentionPreview: (i, c) => {
    if (i.target === 'drive') throw unavailable('The retention preview for Google Drive');
    const plan = getPlan(c.db, i.plan);
    const items = previewPrune(c.db, { ...plan, ...(i.policy ?? {}) }, readSettings(c.db).timezone);
    return {
      planName: plan.name,
      target: 'local' as const,
      items: items.map((x) => ({
        stamp: x.backup.stamp,
        startedAt: x.backup.startedAt,
        keep: x.keep,
        reasons: x.reasons,
      })),
    };
  },
  prune: (i, c) => {
    if (i.target === 'drive') throw unavailable('Pruning Google Drive');
    const plan = getPlan(c.db, i.plan);
    if (!i.dryRun && (c.runs.of(plan.name) || isReading(c, plan.name))) {
      throw new CairnError(
        'locked',
        `A backup, restore or verify of ${plan.name} is running; prune when it has finished.`,
      );
    }
    const r = prunePlan(c.db, plan, {
      now: c.now(),
      actor: c.actor,
      dryRun: i.dryRun,
      timeZone: readSettings(c.db).timezone,
      expect: i.expect,
    });
    return {
      planName: r.planName,
      dryRun: r.dryRun,
      pruned: r.pruned,
      kept: r.items.filter((x) => x.keep).map((x) => x.backup.stamp),
      freedBytes: r.freedBytes,
    };
  },
};
