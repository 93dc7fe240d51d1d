import { z } from 'zod';
import { AbsolutePath, Count, Millis, PlanName } from './common';

export const Retention = z.object({
  keepLast: Count,
  keepDaily: Count,
  keepWeekly: Count,
  keepMonthly: Count,
  keepYearly: Count,
  /** Every backup of the last N hours is kept (restic's --keep-within); 0 turns it off. */
  keepWithinHours: Count,
  /** A backup made by hand with a note is kept N days; 0 turns it off. */
  keepNotedDays: Count,
});

export const Source = z.object({ label: z.string(), path: z.string() });

/** A backup plan: which folders, where to, when, and how long backups are kept. */
export const Plan = z.object({
  id: z.number().int(),
  name: PlanName,
  dest: z.string(),
  schedule: z.string(),
  autoPrune: z.boolean(),
  staleHours: Count,
  sources: z.array(Source),
  excludes: z.array(z.string()),
  createdAt: Millis,
  updatedAt: Millis,
  ...Retention.shape,
});

const PlanSettings = z.strictObject({
  dest: AbsolutePath,
  sources: z.array(AbsolutePath).min(1),
  excludes: z.array(z.string()),
  schedule: z.string().min(1),
  autoPrune: z.boolean(),
  staleHours: Count,
  ...Retention.shape,
});

/**
 * A new plan; absent settings take the defaults (daily at 02:00; every backup of the last 24 hours, 7 daily,
 * 4 weekly, 12 monthly; a backup made by hand with a note 30 days).
 */
export const PlanCreateInput = PlanSettings.partial().extend({
  name: PlanName,
  dest: AbsolutePath,
  sources: z.array(AbsolutePath).min(1),
  /** Add the default excludes (caches, trash, temporary files) before `excludes`; default true. */
  defaultExcludes: z.boolean().optional(),
});

/** A change to a plan: only the fields given change; `sources` and `excludes` replace the lists. */
export const PlanUpdateInput = z.strictObject({
  plan: PlanName,
  patch: PlanSettings.partial().extend({ rename: PlanName.optional() }),
});

/** What a set of sources and excludes would back up, measured by walking the folders (bounded in time). */
export const SourcePreviewInput = z.strictObject({
  sources: z.array(AbsolutePath).min(1),
  excludes: z.array(z.string()),
  /** How many excluded paths to list (the counts cover all). */
  listLimit: z.number().int().min(0).max(5000).optional(),
  /** Stop walking after this long and say the figures are partial. */
  timeLimitMs: z.number().int().min(100).max(60_000).optional(),
});

export const SourcePreview = z.object({
  files: Count,
  dirs: Count,
  bytes: Count,
  excludedFiles: Count,
  excludedBytes: Count,
  /** The top-most excluded paths (a folder stands for everything under it), as "<source path>/<rel>". */
  excluded: z.array(
    z.object({
      path: z.string(),
      isDir: z.boolean(),
      files: Count,
      bytes: Count,
      pattern: z.string().nullable(),
    }),
  ),
  /** False when the time limit stopped the walk: the figures are a lower bound. */
  complete: z.boolean(),
  unreadable: z.array(z.object({ path: z.string(), message: z.string() })),
  elapsedMs: Count,
});

/** A cron expression checked and put in words for the user's timezone. */
export const ScheduleDescribeInput = z.strictObject({
  schedule: z.string(),
  timezone: z.string().optional(),
  count: z.number().int().min(0).max(20).optional(),
});

export const ScheduleDescription = z.object({
  valid: z.boolean(),
  /** "At 02:00 AM" (cronstrue), or why the expression is not valid. */
  text: z.string(),
  timezone: z.string(),
  nextRuns: z.array(Millis),
});
