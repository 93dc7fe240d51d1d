// Push, verify and prune on one remote, plan by plan: what `cairn remote push|verify|prune` and the off-site
// view's buttons do. A plan failing is that plan's error; the next plan still runs (as pushOp does for Drive).
import { findPlanById, getPlan, type Plan } from '../../catalog/plans';
import type { DrivePruneResult } from '../../drive/pack/retention';
import type { PushProgress, PushResult } from '../../drive/pack/push';
import type { DriveVerifyResult } from '../../drive/pack/verify';
import { CairnError } from '../../errors';
import { pruneRemote, pushRemote, verifyRemote } from '../../remotes/ops';
import { getRemote, remotePlanIds, type RemoteRow } from '../../remotes/registry';
import type { OpsDeps } from './deps';

export interface RemotePlanRun<T> {
  plan: Plan;
  /** What the task gave, or null when it stopped on this plan (see error). */
  result: T | null;
  error: unknown;
}

/** The plans a remote copies (or the one named, which must be among them), refusing a remote with none. */
export function plansOfRemote(d: Pick<OpsDeps, 'db'>, row: RemoteRow, planName?: string): Plan[] {
  const ids = remotePlanIds(d.db, row);
  if (planName !== undefined) {
    const plan = getPlan(d.db, planName);
    if (!ids.includes(plan.id))
      throw new CairnError(
        'usage',
        `Remote ${row.name} does not copy plan ${plan.name}; attach it with: cairn remote plan ${row.name} --add ${plan.name}.`,
      );
    return [plan];
  }
  if (ids.length === 0)
    throw new CairnError(
      'usage',
      `Remote ${row.name} copies no plan yet; attach one with: cairn remote plan ${row.name} --add PLAN (or import from it: cairn remote import ${row.name}).`,
    );
  return ids.map((id) => findPlanById(d.db, id)!);
}

/** Runs `task` for each plan of the remote, one after another, stopping early only when cancelled. */
async function eachPlan<T>(
  d: OpsDeps,
  name: string,
  planName: string | undefined,
  signal: AbortSignal | undefined,
  task: (remote: RemoteRow, plan: Plan) => Promise<T>,
): Promise<{ remote: RemoteRow; runs: RemotePlanRun<T>[] }> {
  const remote = getRemote(d.db, name);
  const runs: RemotePlanRun<T>[] = [];
  for (const plan of plansOfRemote(d, remote, planName)) {
    try {
      runs.push({ plan, result: await task(remote, plan), error: null });
    } catch (e) {
      runs.push({ plan, result: null, error: e });
      if (signal?.aborted) break;
    }
  }
  return { remote, runs };
}

const access = (d: OpsDeps) => ({ db: d.db, secrets: d.secrets, env: d.drive?.env, now: d.now });

/** Uploads what the remote lacks, for each of its plans (or one). */
export function remotePushOp(
  d: OpsDeps,
  name: string,
  o: {
    plan?: string;
    signal?: AbortSignal;
    onProgress?: (plan: Plan, p: PushProgress) => void;
    /** The caller holds the plans' "push" jobs already (the service admits them before answering). */
    admitted?: boolean;
  } = {},
): Promise<{ remote: RemoteRow; runs: RemotePlanRun<PushResult>[] }> {
  return eachPlan(d, name, o.plan, o.signal, (remote, plan) =>
    pushRemote({
      ...access(d),
      plan,
      remote,
      actor: d.actor,
      signal: o.signal,
      admit: o.admitted ? undefined : d.jobs.admitFor(d.actor),
      onProgress: (p: PushProgress) => o.onProgress?.(plan, p),
      dataDir: d.drive?.workDir,
    }),
  );
}

/** Checks the remote's copy of each of its plans (or one) against the catalog. */
export function remoteVerifyOp(
  d: OpsDeps,
  name: string,
  o: { plan?: string; signal?: AbortSignal } = {},
): Promise<{ remote: RemoteRow; runs: RemotePlanRun<DriveVerifyResult>[] }> {
  return eachPlan(d, name, o.plan, o.signal, (remote, plan) =>
    verifyRemote({ ...access(d), plan, remote, signal: o.signal, actor: d.actor, dataDir: d.drive?.workDir }),
  );
}

/** Applies the remote's retention to each of its plans (or one); a dry run only says what would go. */
export function remotePruneOp(
  d: OpsDeps,
  name: string,
  o: { plan?: string; dryRun?: boolean } = {},
): Promise<{ remote: RemoteRow; runs: RemotePlanRun<DrivePruneResult>[] }> {
  return eachPlan(d, name, o.plan, undefined, (remote, plan) =>
    pruneRemote({
      ...access(d),
      plan,
      remote,
      dryRun: o.dryRun,
      actor: d.actor,
      admit: d.jobs.admitFor(d.actor),
      dataDir: d.drive?.workDir,
    }),
  );
}
