import { logActivity } from '../../../catalog/activity';
import type { Db } from '../../../catalog/db';
import { getPlan, type Plan } from '../../../catalog/plans';
import { drivePolicy, editDrivePolicy, previewDrivePrune } from '../../../drive/pack/policy';
import { driveSettings } from '../../../drive/pack/settings';
import { drivePruneOp } from '../../ops/drivePrune';
import { editPlan } from '../../../plans/planOps';
import { previewPrune } from '../../../retention/prune';
import { verifyTargets } from '../../../verify/run';
import { CairnError } from '../../../errors';
import type { HandlerGroup, ServiceContext } from '../context';
import { unavailable } from '../errors';
import { readSettings } from '../settingsStore';
import { pruneOp } from '../../ops/prune';
import { restoreOp } from '../../ops/restore';
import { undoOp } from '../../ops/undo';
import { safetyPinUntil } from '../../../catalog/restores';
import { verifyOp } from '../../ops/verify';
import { backupOf } from './backups';
import { DRIVE_REMOTE_ID } from '../../../remotes/registry';

/** The plan's policies; the Drive one where this process reaches Drive (its own rules, else the local ones). */
function policies(db: Db, p: Plan, drive: boolean) {
  const { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithinHours, keepNotedDays } = p;
  return {
    planName: p.name,
    local: { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithinHours, keepNotedDays },
    drive: drive ? drivePolicy(db, DRIVE_REMOTE_ID, p) : null,
    autoPrune: p.autoPrune,
  };
}

/** Drive retention needs Drive; the one-shot CLI has `cairn drive prune` and `plan edit --drive-keep-*`. */
function withDrive(c: ServiceContext, what: string): void {
  if (!c.drive) throw unavailable(what);
}

function splitRef(ref: string): { planName: string; stamp: string } {
  const i = ref.indexOf('/');
  return { planName: ref.slice(0, i), stamp: ref.slice(i + 1) };
}

/** Restore, verify and retention (local and Drive) over their engines. */
export const trustHandlers: HandlerGroup<
  'restore' | 'restoreUndo' | 'verify' | 'retentionGet' | 'retentionSet' | 'retentionPreview' | 'prune'
> = {
  restore: async (i, c) => {
    const { plan, backup } = backupOf(c.db, i.plan, i.stamp);
    const totalFiles = i.paths.length === 0 ? backup.files : null;
    const totalBytes = i.paths.length === 0 ? backup.bytes : null;
    const s = await restoreOp(c, {
      plan,
      backup,
      paths: i.paths,
      to: i.target.mode === 'to' ? i.target.dir : undefined,
      inPlace: i.target.mode === 'in-place',
      overwrite: i.overwrite,
      dryRun: i.dryRun,
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
      safetyBackup: s.beforeRestore
        ? { ...splitRef(s.beforeRestore), pinnedUntil: safetyPinUntil(c.now()) }
        : null,
      items: null,
      itemsTruncated: false,
    };
  },
  restoreUndo: async (i, c) => {
    const plan = getPlan(c.db, i.plan);
    const s = await undoOp(c, plan, i.safetyStamp);
    c.changed();
    return {
      restored: s.restored,
      safetyBackup: splitRef(s.safetyBackup),
      reverted: s.reverted,
      alreadyBefore: s.alreadyBefore,
      kept: s.kept,
      failed: s.failures,
      released: s.released,
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
    const r = await verifyOp(c, targets, { sample: i.samplePercent });
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
  retentionGet: (i, c) => policies(c.db, getPlan(c.db, i.plan), c.drive !== null),
  retentionSet: (i, c) => {
    if (i.drive) withDrive(c, 'A retention policy for Google Drive');
    const p = editPlan(c.db, i.plan, { ...(i.local ?? {}), autoPrune: i.autoPrune }, c.now(), c.actor);
    if (i.drive) {
      const { keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly } = i.drive;
      editDrivePolicy(c.db, DRIVE_REMOTE_ID, p, driveSettings(c.db).machine, {
        keepLast,
        keepDaily,
        keepWeekly,
        keepMonthly,
        keepYearly,
      });
      logActivity(c.db, {
        at: c.now(),
        planId: p.id,
        kind: 'settings',
        actor: c.actor,
        message: `Drive retention of ${p.name} changed`,
      });
    }
    c.changed();
    return policies(c.db, p, c.drive !== null);
  },
  retentionPreview: (i, c) => {
    if (i.target === 'drive') {
      withDrive(c, 'The retention preview for Google Drive');
      const plan = getPlan(c.db, i.plan);
      const items = previewDrivePrune(
        c.db,
        DRIVE_REMOTE_ID,
        plan,
        c.now(),
        readSettings(c.db).timezone,
        i.policy,
      );
      return { planName: plan.name, target: 'drive' as const, items };
    }
    const plan = getPlan(c.db, i.plan);
    const items = previewPrune(
      c.db,
      { ...plan, ...(i.policy ?? {}) },
      c.now(),
      readSettings(c.db).timezone,
      c.jobs.readingStamps(plan),
    );
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
  prune: async (i, c) => {
    const plan = getPlan(c.db, i.plan);
    if (i.target === 'drive') {
      withDrive(c, 'Pruning Google Drive');
      const r = await drivePruneOp(c, plan, { dryRun: i.dryRun, expect: i.expect });
      c.changed();
      return {
        planName: r.planName,
        dryRun: r.dryRun,
        pruned: r.pruned,
        kept: r.items.filter((x) => x.keep).map((x) => x.stamp),
        freedBytes: r.dryRun ? null : r.freedBytes,
      };
    }
    const r = pruneOp(c, plan, { dryRun: i.dryRun, expect: i.expect });
    return {
      planName: r.planName,
      dryRun: r.dryRun,
      pruned: r.pruned,
      kept: r.items.filter((x) => x.keep).map((x) => x.backup.stamp),
      freedBytes: r.freedBytes,
    };
  },
};
