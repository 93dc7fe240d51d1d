import { previousRun } from './nextRun';

export interface CatchUpInput {
  schedule: string;
  timezone: string;
  /** When the last run of the plan started (any outcome), or null when it never ran. */
  lastRun: number | null;
  /** When the plan was created: a plan never owes runs from before it existed. */
  since: number;
  now: number;
}

export interface CatchUpDecision {
  due: boolean;
  /** The newest scheduled time that passed without a run (the one the catch-up run stands for). */
  missed: number | null;
}

/**
 * Whether a scheduled run was missed (machine off or asleep, Cairn not running, the minute skipped by a
 * clock change): the newest scheduled time at or before now came after the last run. However many were
 * missed, the answer is one run (systemd's Persistent=true).
 */
export function catchUp(i: CatchUpInput): CatchUpDecision {
  const missed = previousRun(i.schedule, i.timezone, i.now);
  if (missed === null) return { due: false, missed: null };
  const reference = Math.max(i.lastRun ?? -Infinity, i.since);
  return missed > reference ? { due: true, missed } : { due: false, missed: null };
}
