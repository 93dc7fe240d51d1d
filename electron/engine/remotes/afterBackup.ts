// After a backup (and Drive's push): a push to each other remote of the plan with auto-push on, one after the
// other, each with its retention when the plan prunes automatically. One failing never stops the next.
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import type { Admit } from '../backup/lock';
import type { PushProgress, PushResult } from '../drive/pack/push';
import { describeError } from '../errors';
import type { SecretStore } from '../secrets/store';
import { pruneRemote, pushRemote } from './ops';
import { remoteLabel, type RemoteAccess } from './open';
import { remotesOfPlan, type RemoteRow } from './registry';

/** What a push to one remote came to: what went up, or why not (then also in the log and its state). */
export interface RemotePush {
  remote: string;
  result: PushResult | null;
  error: unknown;
}

/**
 * Pushes the plan to each remote (not Drive) that copies it with auto-push on, then applies the plan's
 * retention there when it prunes automatically. Never throws: each failure is recorded in that remote's copy
 * state (health names the remote) and in the activity log, and the next remote is still pushed.
 */
export async function pushRemotesAfterBackup(o: {
  db: Db;
  plan: Plan;
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  store?: RemoteAccess['store'];
  now: () => number;
  actor: string;
  signal?: AbortSignal;
  admit?: Admit;
  onProgress?: (remote: string, p: PushProgress) => void;
  dataDir?: string;
}): Promise<RemotePush[]> {
  const out: RemotePush[] = [];
  const warn = (remote: RemoteRow, what: string, e: unknown) =>
    logActivity(o.db, {
      at: o.now(),
      planId: o.plan.id,
      kind: what === 'push' ? 'upload' : 'prune',
      level: 'warning',
      actor: o.actor,
      message:
        `The ${what} of ${o.plan.name} on remote ${remote.name} (${remoteLabel(remote)}) after the backup ` +
        `did not complete: ${describeError(e)}`,
      details: { remote: remote.name },
    });
  for (const remote of remotesOfPlan(o.db, o.plan).filter((r) => r.autoPush)) {
    if (o.signal?.aborted) break;
    const call = { ...o, remote };
    let result: PushResult;
    try {
      result = await pushRemote({ ...call, onProgress: (p) => o.onProgress?.(remote.name, p) });
    } catch (e) {
      out.push({ remote: remote.name, result: null, error: e });
      warn(remote, 'push', e);
      continue;
    }
    out.push({ remote: remote.name, result, error: null });
    if (o.plan.autoPrune) await pruneRemote(call).catch((e: unknown) => warn(remote, 'retention', e));
  }
  return out;
}
