import { z } from 'zod';
import { JOB_KINDS } from '../jobKinds';
import { Count, Millis, PlanName, Stamp } from './common';
import { Pause } from './setup';

/**
 * A plan's state in words a user can act on (the README's table): `first-backup` while the first backup
 * runs, `waiting-run` when the disk is back after a run that needed it, `waiting-disk` an unplugged disk.
 */
export const HealthState = z.enum([
  'healthy',
  'first-backup',
  'waiting-run',
  'attention',
  'waiting-disk',
  'failing',
]);

/** One thing found wrong with a plan (stale, disk-space, drive-link, ...) and the state it puts it in. */
export const HealthIssue = z.object({ kind: z.string(), state: HealthState, message: z.string() });

export const WatchState = z.object({
  state: z.enum(['off', 'starting', 'watching', 'failed']),
  /** Why watching stopped, and that Cairn scans at backup time instead. */
  message: z.string().nullable(),
});

export const RunProgress = z.object({
  runId: z.string(),
  planName: PlanName,
  /** Queued runs wait for the run before them; one run at a time. */
  phase: z.enum(['queued', 'running', 'cancelling']),
  actor: z.string(),
  stamp: Stamp.nullable(),
  startedAt: Millis.nullable(),
  files: Count,
  bytes: Count,
  newFiles: Count,
  newBytes: Count,
  linkedFiles: Count,
  skipped: Count,
  warnings: Count,
  currentPath: z.string(),
  elapsedMs: Count,
  /** Bytes linked or copied so far, inside files still copying too. */
  bytesDone: Count,
  /** Bytes per second over the last seconds. */
  bytesPerSecond: Count,
  /** What the run covers: exact when counted, else at least this much (the walk and the count go on). */
  totalFiles: Count,
  totalBytes: Count,
  counted: z.boolean(),
  /** Null until the total is counted. */
  fraction: z.number().min(0).max(1).nullable(),
  /** Null until it means something (a few seconds in, some of it done). */
  etaSeconds: Count.nullable(),
});

export const PlanStatus = z.object({
  planName: PlanName,
  state: HealthState,
  /** Plain sentences: why the state is not healthy, and notes (watcher stopped, disk unplugged). */
  reasons: z.array(z.string()),
  /** The health model's findings behind the state (the reasons, with their kind). */
  issues: z.array(HealthIssue),
  lastGood: z
    .object({
      stamp: Stamp,
      finishedAt: Millis,
      status: z.enum(['complete', 'warnings']),
      ageHours: z.number(),
    })
    .nullable(),
  lastRun: z
    .object({
      stamp: Stamp,
      status: z.enum(['complete', 'warnings', 'failed']),
      finishedAt: Millis,
      error: z.string().nullable(),
    })
    .nullable(),
  nextRun: Millis.nullable(),
  schedule: z.string(),
  scheduleText: z.string(),
  staleHours: Count,
  /** Files added, changed or deleted since the last backup; null when the watcher is not running. */
  changedFiles: Count.nullable(),
  watch: WatchState,
  run: RunProgress.nullable(),
  /** Every job running on the plan now, in this process or another Cairn process (app, serve, cli). */
  jobs: z.array(
    z.object({
      kind: z.enum(JOB_KINDS),
      actor: z.string(),
      startedAt: Millis,
      /** Run by another Cairn process (or machine), not the one answering. */
      elsewhere: z.boolean(),
    }),
  ),
});

export const Status = z.object({
  overall: HealthState,
  plans: z.array(PlanStatus),
  timezone: z.string(),
  generatedAt: Millis,
  /** Scheduled and after-change backups wait until then (absent or null: not paused). */
  pause: Pause.nullable().optional(),
});

export const ActivityKind = z.enum([
  'backup',
  'restore',
  'prune',
  'verify',
  'upload',
  'settings',
  'plan',
  'import',
]);
export const ActivityLevel = z.enum(['info', 'warning', 'error']);

export const ActivityEntry = z.object({
  id: z.number().int(),
  at: Millis,
  planName: z.string().nullable(),
  backupId: z.number().int().nullable(),
  kind: ActivityKind,
  level: ActivityLevel,
  /** Who asked: cli, ui, schedule, watch, serve. */
  actor: z.string(),
  message: z.string(),
  details: z.unknown(),
});

export const ActivityListInput = z.strictObject({
  plan: PlanName.optional(),
  kind: ActivityKind.optional(),
  level: ActivityLevel.optional(),
  since: Millis.optional(),
  beforeId: z.number().int().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  /** Only the entries of one backup (its run, verify, pins): History's details. */
  backupId: z.number().int().optional(),
});

export const ActivityPage = z.object({
  entries: z.array(ActivityEntry),
  /** Pass as beforeId for the next (older) page; null at the end. */
  nextBeforeId: z.number().int().nullable(),
});

export const Settings = z.object({
  /** IANA timezone the schedules are read in, e.g. "Europe/Berlin". */
  timezone: z.string(),
  notifications: z.object({
    desktop: z.boolean(),
    ntfyUrl: z.url().nullable(),
    webhookUrl: z.url().nullable(),
    onSuccess: z.boolean(),
  }),
  verify: z.object({
    enabled: z.boolean(),
    schedule: z.string(),
    samplePercent: z.number().min(0.01).max(100),
  }),
  watch: z.object({
    enabled: z.boolean(),
    autoBackup: z.boolean(),
    settleSeconds: z.number().int().min(1).max(86_400),
    minIntervalMinutes: z.number().int().min(0).max(10_080),
  }),
  /** How long after start or wake a missed run waits. */
  catchUpDelaySeconds: z.number().int().min(0).max(3600),
  startAtLogin: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
  /**
   * How start at login is done where the service does it (`cairn serve`): what was written, what to run
   * once, or why it cannot be done here. Absent in the app (its login item) and the CLI.
   */
  startAtLoginNote: z.string().optional(),
  /** False where start at login cannot be done (`cairn serve` off Linux). */
  startAtLoginSupported: z.boolean().optional(),
});

/** A change of settings: only the groups and fields given change. */
export const SettingsPatch = z.strictObject({
  timezone: z.string().optional(),
  notifications: Settings.shape.notifications.partial().optional(),
  verify: Settings.shape.verify.partial().optional(),
  watch: Settings.shape.watch.partial().optional(),
  catchUpDelaySeconds: Settings.shape.catchUpDelaySeconds.optional(),
  startAtLogin: z.boolean().optional(),
  theme: Settings.shape.theme.optional(),
});

export const NotifyTestResult = z.object({
  sent: z.array(z.string()),
  failed: z.array(z.object({ channel: z.string(), message: z.string() })),
});
