// What happens after a good backup, written once for every face: retention when the plan prunes
// automatically (deleting exactly what its preview shows), then a push to Drive when Drive is linked and
// auto-push is on (with Drive's own retention when the plan prunes). Neither can fail the backup.
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { pushAfterBackup } from '../drive/pack/afterBackup';
import type { PushProgress, PushResult } from '../drive/pack/push';
import { describeError } from '../errors';
import type { DriveAccess } from './service/context';
import type { JobCoordinator } from './jobs';
import { pruneOp } from './ops/prune';

export interface AfterBackupDeps {
  db: Db;
  jobs: JobCoordinator;
  /** How this process reaches Drive; null where it cannot (nothing is pushed then). */
  drive: DriveAccess | null;
  now: () => number;
  actor: string;
  signal?: AbortSignal;
  onDriveProgress?: (p: PushProgress) => void;
}

export interface AfterBackupReport {
  /** Backups the plan's retention removed. */
  pruned: string[];
  /** Why the automatic prune did not run (also in the activity log), or null. */
  pruneError: string | null;
  /**
   * The Drive push, under way: resolves to what it sent, null when Drive is not in use, or rejects with
   * why it did not finish (also in the activity log and Drive status). The CLI waits for it; the app and
   * `cairn serve` let it run while the next backup may start.
   */
  push: Promise<PushResult | null>;
}

/** Runs the after-backup steps of a plan whose backup just succeeded. */
export function afterBackup(d: AfterBackupDeps, plan: Plan): AfterBackupReport {
  let pruned: string[] = [];
  let pruneError: string | null = null;
  if (plan.autoPrune) {
    try {
      pruned = pruneOp(d, plan).pruned;
    } catch (e) {
      pruneError = `Automatic prune of ${plan.name} did not run: ${describeError(e)}`;
      logActivity(d.db, {
        at: d.now(),
        planId: plan.id,
        kind: 'prune',
        level: 'warning',
        actor: d.actor,
        message: pruneError,
      });
    }
  }
  let pushError: unknown = null;
  const drive = d.drive;
  // A push already under way (the previous backup's) is waited for: this one then sends what is new.
  const push = drive
    ? d.jobs
        .whenFree('push', plan, { signal: d.signal })
        .then(() =>
          pushAfterBackup({
            db: d.db,
            plan,
            secrets: drive.secrets,
            env: drive.env,
            now: d.now,
            actor: d.actor,
            signal: d.signal,
            admit: d.jobs.admitFor(d.actor),
            onProgress: d.onDriveProgress,
            onError: (e) => (pushError = e),
            dataDir: drive.workDir,
          }),
        )
        .then((r) => {
          if (pushError) throw pushError;
          return r;
        })
    : Promise.resolve(null);
  // Nobody need wait for the push (the service alone does not): its failure is in the activity log and
  // Drive status, never an unhandled rejection.
  push.catch(() => undefined);
  return { pruned, pruneError, push };
}
