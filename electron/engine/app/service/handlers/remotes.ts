import path from 'node:path';
import type { ParsedInput } from '../../../../../shared/contract';
import type { Plan } from '../../../catalog/plans';
import { CairnError, describeError } from '../../../errors';
import { rcloneConfig, s3Config } from '../../../remotes/address';
import { getRemote } from '../../../remotes/registry';
import type { JobTicket } from '../../jobs';
import { listRemoteItems } from '../../ops/remoteList';
import { plansOfRemote, remotePruneOp, remotePushOp, remoteVerifyOp } from '../../ops/remoteRun';
import { addRemoteOp, removeRemoteOp, type NewRemote } from '../../ops/remotes';
import type { HandlerGroup, ServiceContext } from '../context';
import { drivePushEnd, drivePushProgress } from '../progress';
import { admitPushes } from './drive';

/** Remotes with a push under way from this service, so the view can say so and a second click waits. */
const pushing = new WeakMap<ServiceContext, Set<string>>();
const pushingIn = (c: ServiceContext) => pushing.get(c) ?? pushing.set(c, new Set()).get(c)!;

/** The engine's description of a new remote from the form's fields. */
export function newRemote(i: ParsedInput<'remoteAdd'>, env?: NodeJS.ProcessEnv): NewRemote {
  if (i.kind === 'rclone') {
    // The service's working folder means nothing to the user: a config file is named by its full path.
    if (i.configFile && !path.isAbsolute(i.configFile))
      throw new CairnError('usage', 'Give the full path of the rclone config file, starting with /.');
    return { kind: 'rclone', config: rcloneConfig({ target: i.target, configFile: i.configFile || null }) };
  }
  if (!i.accessKeyId !== !i.secretAccessKey)
    throw new CairnError(
      'usage',
      'Give both the access key ID and the secret access key, or neither (then the AWS SDK finds them).',
    );
  return {
    kind: 's3',
    config: s3Config({
      url: i.url,
      endpoint: i.endpoint || null,
      region: i.region || null,
      pathStyle: i.pathStyle,
      storageClass: i.storageClass || null,
      env: env ?? process.env,
    }),
    credentials:
      i.accessKeyId && i.secretAccessKey
        ? { accessKeyId: i.accessKeyId, secretAccessKey: i.secretAccessKey }
        : null,
  };
}

async function views(c: ServiceContext) {
  const busy = pushingIn(c);
  return (await listRemoteItems(c)).map((r) => ({ ...r, pushing: busy.has(r.name) }));
}

/** Pushes the remote's plans (admitted already) in the background, telling progress on the bus. */
async function pushInBackground(
  c: ServiceContext,
  i: ParsedInput<'remotePush'>,
  plans: Plan[],
  tickets: JobTicket[],
) {
  try {
    const { runs } = await remotePushOp(c, i.name, {
      plan: i.plan,
      admitted: true,
      signal: c.stopping,
      onProgress: (p, x) => c.bus.emit('driveProgress', drivePushProgress(p.name, x)),
    });
    for (const x of runs) c.bus.emit('driveProgress', drivePushEnd(x.plan.name, x.result, x.error));
  } catch (e) {
    for (const plan of plans) c.bus.emit('driveProgress', drivePushEnd(plan.name, null, e));
  } finally {
    for (const t of tickets) t.end();
    pushingIn(c).delete(i.name);
    c.changed();
  }
}

/** The off-site view's remotes (as `cairn remote`): list, add, remove, push, verify, prune. */
export const remoteHandlers: HandlerGroup<
  'remoteList' | 'remoteAdd' | 'remoteRemove' | 'remotePush' | 'remoteVerify' | 'remotePrune'
> = {
  remoteList: (_i, c) => views(c),
  remoteAdd: async (i, c) => {
    const env = c.drive?.env;
    const { remote, reach } = await addRemoteOp(c, {
      ...newRemote(i, env),
      name: i.name,
      plans: i.plans,
      env,
    });
    c.changed();
    return { remote: (await views(c)).find((v) => v.name === remote.name)!, reach };
  },
  remoteRemove: async (i, c) => {
    if (pushingIn(c).has(i.name))
      throw new CairnError('locked', `Remote ${i.name} is pushing; remove it once the push has ended.`);
    const r = await removeRemoteOp(c, i.name);
    c.changed();
    return r;
  },
  remotePush: (i, c) => {
    const plans = plansOfRemote(c, getRemote(c.db, i.name), i.plan);
    if (pushingIn(c).has(i.name)) return { started: false, plans: plans.map((p) => p.name) };
    const tickets = admitPushes(c, plans);
    if (!tickets) return { started: false, plans: plans.map((p) => p.name) };
    pushingIn(c).add(i.name);
    void pushInBackground(c, i, plans, tickets);
    return { started: true, plans: plans.map((p) => p.name) };
  },
  remoteVerify: async (i, c) => {
    const { runs } = await remoteVerifyOp(c, i.name, { plan: i.plan, signal: c.stopping });
    return {
      plans: runs.map(({ plan, result: r, error }) => ({
        plan: plan.name,
        intact: r !== null && r.problems.length === 0,
        backups: r?.manifests ?? 0,
        packs: r?.packs ?? 0,
        sampled: r?.sampled ?? 0,
        problems: r
          ? r.problems.slice(0, 50).map((p) => `${p.problem}: ${p.name}: ${p.detail}`)
          : [describeError(error)],
      })),
    };
  },
  remotePrune: async (i, c) => {
    const { runs } = await remotePruneOp(c, i.name, { plan: i.plan, dryRun: i.dryRun });
    return {
      plans: runs.map(({ plan, result: r, error }) => ({
        plan: plan.name,
        dryRun: i.dryRun === true,
        pruned: r?.pruned ?? [],
        freedBytes: r?.freedBytes ?? 0,
        error: r ? null : describeError(error),
      })),
    };
  },
};
