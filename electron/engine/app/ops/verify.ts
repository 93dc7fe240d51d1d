import { verifyBackups, type VerifyRunResult, type VerifyTarget } from '../../verify/run';
import type { OpsDeps } from './deps';

/** Verifies backups, each as a "verify" job. */
export function verifyOp(
  d: Pick<OpsDeps, 'db' | 'jobs' | 'now' | 'actor'>,
  targets: VerifyTarget[],
  o: Omit<Parameters<typeof verifyBackups>[2], 'now' | 'actor' | 'admit'> = {},
): Promise<VerifyRunResult> {
  return verifyBackups(d.db, targets, { ...o, now: d.now, actor: d.actor, admit: d.jobs.admitFor(d.actor) });
}
