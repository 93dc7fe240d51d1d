import type { Plan } from '../../catalog/plans';
import type { PushProgress, PushResult } from '../../drive/pack/push';
import { openDriveRemote } from '../../drive/pack/openRemote';
import { driveCopy, findDrivePlan } from '../../drive/pack/store';
import { driveSettingsWithSecret } from '../../drive/pack/settings';
import { CairnError } from '../../errors';
import type { OpsDeps } from './deps';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

export interface PlanPush {
  plan: Plan;
  /** What went up, or null when the push of this plan stopped (see error). */
  result: PushResult | null;
  error: unknown;
}

/**
 * Pushes the plans to Drive one after another, each as a "push" job (unless the caller already admitted
 * them): the same for `cairn drive push` and the app's "Push now". Opening Drive failing throws; a plan's
 * push failing is that plan's error, and the next plan is still pushed.
 */
export async function pushOp(
  d: OpsDeps,
  plans: Plan[],
  o: {
    signal?: AbortSignal;
    /** Upload limit in bytes per second (default: the Drive setting). */
    bandwidthBytesPerSecond?: number | null;
    onProgress?: (plan: Plan, p: PushProgress) => void;
    /** The caller holds the plans' "push" jobs already (the service admits them before answering). */
    admitted?: boolean;
  } = {},
): Promise<PlanPush[]> {
  const drive = d.drive;
  if (!drive) throw new CairnError('usage', 'Google Drive cannot be reached from here.');
  const s = await driveSettingsWithSecret(d.db, drive.secrets);
  // Loaded only now, with the Drive client: a command that does not push should not pay for them.
  const { pushPlan } = await import('../../drive/pack/push');
  // A plan whose push was left waiting for Google's daily limit: the first try is a probe, not minutes of retries.
  const probing = plans.some((p) => findDrivePlan(d.db, driveCopy(p.id))?.resumesAt);
  const remote = await openDriveRemote(d.db, drive, { ...o, probing });
  const out: PlanPush[] = [];
  for (const plan of plans) {
    try {
      const result = await pushPlan({
        db: d.db,
        plan,
        remote,
        remoteId: DRIVE_REMOTE_ID,
        secrets: drive.secrets,
        machine: s.machine,
        packTargetBytes: s.packTargetBytes ?? undefined,
        now: d.now,
        actor: d.actor,
        signal: o.signal,
        admit: o.admitted ? undefined : d.jobs.admitFor(d.actor),
        onProgress: (p) => o.onProgress?.(plan, p),
        dataDir: drive.workDir,
      });
      out.push({ plan, result, error: null });
    } catch (e) {
      out.push({ plan, result: null, error: e });
      if (o.signal?.aborted) break;
    }
  }
  return out;
}
