import type { BackupRecord } from '../../catalog/backups';
import type { Plan } from '../../catalog/plans';
import { previewRemove, removeBackup, type RemovePreview } from '../../retention/remove';
import type { OpsDeps } from './deps';

/** What removing one backup frees and whether it may go now (a restore or verify reading it refuses). */
export function removePreviewOp(
  d: Pick<OpsDeps, 'db' | 'jobs'>,
  plan: Plan,
  backup: BackupRecord,
): RemovePreview {
  return previewRemove(d.db, plan, backup, d.jobs.readingStamps(plan));
}

/** Removes one backup by hand as a "prune" job: not beside a backup, a prune or a Drive push of the plan. */
export function removeBackupOp(
  d: Pick<OpsDeps, 'db' | 'jobs' | 'now' | 'actor'>,
  plan: Plan,
  backup: BackupRecord,
): RemovePreview {
  const job = d.jobs.begin('prune', plan, d.actor, backup.stamp);
  try {
    return removeBackup(d.db, plan, backup, {
      now: d.now(),
      actor: d.actor,
      reading: d.jobs.readingStamps(plan),
      trash: d.jobs.trash,
    });
  } finally {
    job.end();
  }
}
