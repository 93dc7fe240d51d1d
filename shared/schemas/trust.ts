import { z } from 'zod';
import { AbsolutePath, BackupRef, Count, Millis, PlanName, Stamp } from './common';
import { Retention } from './plans';

/** Where a restore writes: a new or empty folder (or beside existing files), or back to the sources. */
export const RestoreTarget = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('to'), dir: AbsolutePath }),
  z.strictObject({ mode: z.literal('in-place') }),
]);

export const RestoreInput = BackupRef.extend({
  /** Files or folders of the backup ("label/sub/file"); empty restores the whole backup. */
  paths: z.array(z.string().min(1)),
  target: RestoreTarget,
  /** Replace files that differ instead of keeping both (only with mode "to"). */
  overwrite: z.boolean().optional(),
  /** Say what would happen without writing anything. */
  dryRun: z.boolean(),
});

export const RestoreAction = z.enum(['write', 'overwrite', 'keep-both', 'skip']);

export const RestoreSummary = z.object({
  dryRun: z.boolean(),
  files: Count,
  bytes: Count,
  written: Count,
  overwritten: Count,
  keptBoth: Count,
  skipped: Count,
  /** Files whose SHA-256 matched the manifest as they were written (0 on a dry run). */
  verified: Count,
  /** Folders an in-place restore left because they hold files no backup has. */
  keptFolders: z.array(z.string()),
  /** Files that did not land, by path: the restore is not a success when this is not empty. */
  failed: z.array(z.object({ path: z.string(), message: z.string() })),
  /**
   * The pinned "before restore" backup an in-place restore made (restoreUndo with it undoes the restore),
   * and when its pin goes back to retention unless the restore is undone sooner.
   */
  safetyBackup: z.object({ planName: PlanName, stamp: Stamp, pinnedUntil: Millis }).nullable(),
  /** What would be done per path (dry run), the first ones; null when the engine gives only counts. */
  items: z.array(z.object({ path: z.string(), action: RestoreAction, bytes: Count })).nullable(),
  itemsTruncated: z.boolean(),
});

/** Undo the in-place restore that made this "before restore" backup. */
export const RestoreUndoInput = z.strictObject({ plan: PlanName, safetyStamp: Stamp });

export const RestoreUndoReport = z.object({
  /** The backup that was restored, and the "before restore" backup the content came back from. */
  restored: z.string(),
  safetyBackup: z.object({ planName: PlanName, stamp: Stamp }),
  /** Paths put back as they were before the restore (or removed, where the restore made them). */
  reverted: Count,
  /** Paths already as they were before the restore. */
  alreadyBefore: Count,
  /** Paths changed since the restore: kept as they are, never replaced by an undo. */
  kept: z.array(z.object({ path: z.string(), reason: z.string() })),
  failed: z.array(z.object({ path: z.string(), message: z.string() })),
  /** The safety backup's pin went back to retention. */
  released: z.boolean(),
});

export const VerifyInput = z.strictObject({
  plan: PlanName.optional(),
  /** A stamp, "latest" (default), or "all". */
  stamp: z.union([Stamp, z.literal('latest'), z.literal('all')]).optional(),
  samplePercent: z.number().min(0.01).max(100).optional(),
});

export const VerifyReport = z.object({
  results: z.array(
    z.object({
      planName: PlanName,
      stamp: Stamp,
      intact: z.boolean(),
      checkedFiles: Count,
      checkedBytes: Count,
      missing: z.array(z.string()),
      changed: z.array(z.string()),
      extra: z.array(z.string()),
      verifiedAt: Millis,
    }),
  ),
});

export const RetentionTarget = z.enum(['local', 'drive']);

export const RetentionPolicies = z.object({
  planName: PlanName,
  local: Retention,
  /** Null when Drive is not set up for this plan. */
  drive: Retention.nullable(),
  autoPrune: z.boolean(),
});

export const RetentionSetInput = z.strictObject({
  plan: PlanName,
  /** Only the rules given change. */
  local: Retention.partial().optional(),
  drive: Retention.partial().optional(),
  autoPrune: z.boolean().optional(),
});

/** The backups a policy keeps and prunes, before anything is deleted; `policy` previews unsaved edits. */
export const RetentionPreviewInput = z.strictObject({
  plan: PlanName,
  target: RetentionTarget.optional(),
  /** Rules to preview instead of the saved ones (those not given stay as saved). */
  policy: Retention.partial().optional(),
});

export const RetentionPreview = z.object({
  planName: PlanName,
  target: RetentionTarget,
  items: z.array(
    z.object({
      stamp: Stamp,
      startedAt: Millis,
      keep: z.boolean(),
      /**
       * Plain words: "made in the last 24 hours", "last of its day (day 3 of 7)", "pinned: before upgrade",
       * "made by hand with a note, kept 30 days (through 2026-01-31): before the OS upgrade"; empty when pruned.
       */
      reasons: z.array(z.string()),
    }),
  ),
});

export const PruneInput = z.strictObject({
  plan: PlanName,
  target: RetentionTarget.optional(),
  dryRun: z.boolean(),
  /** The stamps the preview showed as pruned: the prune is refused (conflict) if the rules now differ. */
  expect: z.array(Stamp).optional(),
});

export const PruneReport = z.object({
  planName: PlanName,
  dryRun: z.boolean(),
  pruned: z.array(Stamp),
  kept: z.array(Stamp),
  freedBytes: Count.nullable(),
});

/**
 * Days the "before restore" backup of an in-place restore stays pinned; it is handed back to retention
 * then, or as soon as its restore is undone.
 */
export const SAFETY_PIN_DAYS = 14;
