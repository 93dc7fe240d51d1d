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
  /** The pinned "before restore" backup an in-place restore made: restoring it undoes the restore. */
  safetyBackup: z.object({ planName: PlanName, stamp: Stamp }).nullable(),
  /** What would be done per path (dry run), the first ones; null when the engine gives only counts. */
  items: z.array(z.object({ path: z.string(), action: RestoreAction, bytes: Count })).nullable(),
  itemsTruncated: z.boolean(),
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
  local: Retention.optional(),
  drive: Retention.optional(),
  autoPrune: z.boolean().optional(),
});

/** The backups a policy keeps and prunes, before anything is deleted; `policy` previews unsaved edits. */
export const RetentionPreviewInput = z.strictObject({
  plan: PlanName,
  target: RetentionTarget.optional(),
  policy: Retention.optional(),
});

export const RetentionPreview = z.object({
  planName: PlanName,
  target: RetentionTarget,
  items: z.array(
    z.object({
      stamp: Stamp,
      startedAt: Millis,
      keep: z.boolean(),
      /** "daily 3 of 7", "monthly 2 of 12", "pinned: before upgrade"; empty when pruned. */
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
