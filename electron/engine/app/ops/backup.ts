import { runBackup, type BackupOutcome, type BackupProgress } from '../../backup/run';
import type { Plan } from '../../catalog/plans';
import type { PushProgress } from '../../drive/pack/push';
import { afterBackup, type AfterBackupReport } from '../afterBackup';
import type { OpsDeps } from './deps';

/** A backup and its after-steps (retention, Drive push; see afterBackup.ts). */
export async function backupOp(
  d: OpsDeps,
  plan: Plan,
  o: {
    note?: string;
    pin?: boolean;
    manual?: boolean;
    signal?: AbortSignal;
    onProgress?: (p: BackupProgress) => void;
    onDriveProgress?: (p: PushProgress) => void;
  } = {},
): Promise<{ outcome: BackupOutcome; after: AfterBackupReport }> {
  // A backup never waits for the trash: what a killed sweep left (or this run's reconcile moved there) is
  // swept beside it.
  d.jobs.trash.beside(plan);
  const outcome = await d.jobs.run('backup', plan, d.actor, () =>
    runBackup({
      db: d.db,
      plan,
      now: d.now,
      actor: d.actor,
      note: o.note,
      pin: o.pin,
      manual: o.manual,
      secrets: d.secrets,
      signal: o.signal,
      onProgress: o.onProgress,
      trash: d.jobs.trash,
    }).finally(() => d.jobs.trash.beside(plan)),
  );
  const after = afterBackup({ ...d, onDriveProgress: o.onDriveProgress }, plan);
  return { outcome, after };
}
