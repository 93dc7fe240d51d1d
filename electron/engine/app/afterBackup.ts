// What happens after a good backup, written once for every face: retention when the plan prunes
// automatically (deleting exactly what its preview shows), then a push to Drive when Drive is linked and
// auto-push is on (with Drive's own retention when the plan prunes), then to each other remote of the plan
// with auto-push on (S3, rclone), one after the other. None can fail the backup, nor stop another copy.
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { pushAfterBackup } from '../drive/pack/afterBackup';
import type { PushProgress, PushResult } from '../drive/pack/push';
import { describeError } from '../errors';
import { pushRemotesAfterBackup, type RemotePush } from '../remotes/afterBackup';
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
  /**
   * The pushes to the plan's other remotes, after Drive's (settled either way): one per remote with
   * auto-push on, each with what it sent or why not (also in the activity log and that remote's state).
   * Never rejects.
   */
  remotes: Promise<RemotePush[]>;
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
  const remotes = drive
    ? push
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => d.jobs.whenFree('push', plan, { signal: d.signal }))
        .then(() =>
          pushRemotesAfterBackup({
            db: d.db,
            plan,
            secrets: drive.secrets,
            env: drive.env,
            store: drive.store,
            now: d.now,
            actor: d.actor,
            signal: d.signal,
            admit: d.jobs.admitFor(d.actor),
            dataDir: drive.workDir,
          }),
        )
        .catch((): RemotePush[] => []) // cancelled while waiting for a push under way
    : Promise.resolve([]);
  return { pruned, pruneError, push, remotes };
}
