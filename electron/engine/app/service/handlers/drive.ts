import { logActivity } from '../../../catalog/activity';
import { getPlan, listPlans, type Plan } from '../../../catalog/plans';
import { driveConfig, type DriveConfig } from '../../../drive/config';
import { connectWithBrowser, forgetTokens } from '../../../drive/oauth';
import { loadDriveKey, saveDriveKey } from '../../../drive/pack/crypto';
import { openDriveRemote, openForStatus } from '../../../drive/pack/openRemote';
import { driveSettingsWithSecret, saveOwnClient } from '../../../drive/pack/settings';
import { driveStatus } from '../../../drive/pack/status';
import { DRIVE_TOKENS_KEY } from '../../../secrets/store';
import { CairnError, describeError } from '../../../errors';
import type { JobTicket } from '../../jobs';
import { pushOp } from '../../ops/push';
import type { HandlerGroup, ServiceContext } from '../context';
import { drivePushEnd, drivePushProgress } from '../progress';
import { unavailable } from '../errors';

function access(c: ServiceContext) {
  if (!c.drive) throw unavailable('Google Drive in this window');
  return c.drive;
}

async function config(c: ServiceContext): Promise<DriveConfig> {
  return driveConfig(await driveSettingsWithSecret(c.db, access(c).secrets), access(c).env ?? process.env);
}

/** Pushes the plans (admitted already) in the background with pushOp, telling progress on the bus. */
async function pushInBackground(c: ServiceContext, plans: Plan[], tickets: JobTicket[]): Promise<void> {
  try {
    const pushes = await pushOp(c, plans, {
      admitted: true,
      onProgress: (plan, p) => c.bus.emit('driveProgress', drivePushProgress(plan.name, p)),
    });
    for (const x of pushes) c.bus.emit('driveProgress', drivePushEnd(x.plan.name, x.result, x.error));
  } catch (e) {
    for (const plan of plans) c.bus.emit('driveProgress', drivePushEnd(plan.name, null, e));
  } finally {
    for (const t of tickets) t.end();
  }
}

/** Admits a "push" job on each plan, or null when one is pushing already (then none is admitted). */
export function admitPushes(c: ServiceContext, plans: Plan[]): JobTicket[] | null {
  const tickets: JobTicket[] = [];
  try {
    for (const p of plans) tickets.push(c.jobs.begin('push', p, c.actor));
  } catch (e) {
    for (const t of tickets) t.end();
    if (e instanceof CairnError && e.code === 'locked') return null;
    throw e;
  }
  return tickets;
}

/** Google Drive over the Drive engine. */
export const driveHandlers: HandlerGroup<
  'driveStatus' | 'driveConnect' | 'driveDisconnect' | 'drivePush' | 'driveSetPassword'
> = {
  driveStatus: async (_i, c) => {
    const d = access(c);
    const s = await driveStatus({
      db: c.db,
      secrets: d.secrets,
      ...(await openForStatus(c.db, d)),
      now: c.now,
    });
    return {
      connected: s.connected,
      configured: s.configured,
      account: s.account,
      quota: s.quota,
      encrypted: s.encrypted,
      folderUrl: s.folderUrl,
      plans: s.plans.map(({ planName, lastPushAt, pendingBytes, backupsOnDrive, resumesAt, waiting }) => ({
        planName,
        lastPushAt,
        pendingBytes,
        backupsOnDrive,
        resumesAt,
        waiting,
      })),
      lastError: s.lastError,
      client: s.client,
      madeWithClient: s.madeWithClient,
      clientWarning: s.clientWarning,
    };
  },
  driveConnect: async (i, c) => {
    const d = access(c);
    if (!i.clientId !== !i.clientSecret)
      throw new CairnError('usage', 'Enter both the client ID and the client secret of your OAuth client.');
    if (i.clientId && i.clientSecret) await saveOwnClient(c.db, d.secrets, i.clientId, i.clientSecret);
    const cfg = await config(c);
    if (cfg.envRefreshToken || (await d.secrets.get(DRIVE_TOKENS_KEY))) {
      const remote = await openDriveRemote(c.db, d);
      const about = await remote.about();
      return { state: 'connected' as const, account: about.emailAddress || about.displayName || null };
    }
    // The consent page opens in the user's browser; Google's answer comes back to a loopback port here.
    let shown!: (url: string) => void;
    const url = new Promise<string>((r) => (shown = r));
    const done = connectWithBrowser({
      cfg,
      secrets: d.secrets,
      signal: c.stopping,
      openUrl: async (u) => {
        shown(u);
        await d.openUrl?.(u);
      },
    });
    done.then(
      () => {
        if (c.stopping.aborted) return;
        logActivity(c.db, {
          at: c.now(),
          kind: 'settings',
          actor: c.actor,
          message: 'Google Drive connected',
        });
        c.changed();
      },
      (e: unknown) =>
        c.stopping.aborted ||
        logActivity(c.db, {
          at: c.now(),
          kind: 'settings',
          level: 'warning',
          actor: c.actor,
          message: `Connecting Google Drive did not finish: ${describeError(e)}`,
        }),
    );
    const first = await Promise.race([url, done.then(() => null)]);
    if (first === null) return { state: 'connected' as const, account: null };
    return { state: 'needs-consent' as const, authUrl: first };
  },
  driveDisconnect: async (_i, c) => {
    await forgetTokens(access(c).secrets);
    logActivity(c.db, {
      at: c.now(),
      kind: 'settings',
      actor: c.actor,
      message: 'Google Drive disconnected (the files on Drive stay)',
    });
    c.changed();
    return { disconnected: true };
  },
  drivePush: async (i, c) => {
    await config(c); // says plainly when the OAuth client is not set up
    const plans = i.plan ? [getPlan(c.db, i.plan)] : listPlans(c.db);
    // Admitted as "push" jobs now, so a push already under way (asked here, or after a backup) is not
    // started twice; the background push ends each job when its plan is done.
    const tickets = admitPushes(c, plans);
    if (!tickets) return { started: false, plans: plans.map((p) => p.name) };
    void pushInBackground(c, plans, tickets);
    return { started: true, plans: plans.map((p) => p.name) };
  },
  driveSetPassword: async (i, c) => {
    const secrets = access(c).secrets;
    // A second key would not match keys/identity.age on Drive: a change re-seals the one key (the CLI's --change).
    if (await loadDriveKey(secrets))
      throw new CairnError(
        'conflict',
        'A Drive password is already set; to change it, run: cairn drive password --change.',
      );
    await saveDriveKey(secrets, i.password);
    logActivity(c.db, {
      at: c.now(),
      kind: 'settings',
      actor: c.actor,
      message: 'Drive encryption password set',
    });
    return { encrypted: true };
  },
};
