/**
 * The kinds of job on a plan: the engine's job coordinator (electron/engine/app/jobs.ts decides which may run
 * together) and the status contract both read this one list. Plain data, so the engine does not load zod.
 */
export const JOB_KINDS = [
  'backup',
  'restore',
  'verify',
  'test-restore',
  'prune',
  'push',
  'drive-prune',
  'import',
  'undo',
] as const;

export type JobKind = (typeof JOB_KINDS)[number];
