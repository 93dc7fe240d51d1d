import type { Db } from '../../catalog/db';
import type { SecretStore } from '../../secrets/store';
import type { RemoteOptions } from '../remote';
import { CairnError } from '../../errors';
import { NO_CLIENT_MESSAGE, oauthClient, type ClientSource } from '../config';
import type { DriveRemote } from '../types';
import { driveSettingsWithSecret } from './settings';

/**
 * Opens the Drive client with the catalog's Drive settings (OAuth client, upload limit unless one is
 * given), the stored tokens and the environment. The client is loaded only now: it costs a tenth of a
 * second to start, which a command that does not reach Drive should not pay.
 */
export async function openDriveRemote(
  db: Db,
  access: { secrets: SecretStore; env?: NodeJS.ProcessEnv },
  o: { bandwidthBytesPerSecond?: number | null; quick?: boolean; probing?: boolean } = {},
): Promise<DriveRemote> {
  const s = await driveSettingsWithSecret(db, access.secrets);
  const { openDrive } = await import('../index');
  const { remote } = await openDrive({
    secrets: access.secrets,
    settings: s,
    env: access.env ?? process.env,
    bandwidthBytesPerSecond: o.bandwidthBytesPerSecond ?? s.bandwidthBytesPerSecond,
    probing: o.probing,
    ...(o.quick ? QUICK : {}),
  });
  return remote;
}

/** A remote for a status look that must not wait: one try of each request, answered within a second and a half. */
const QUICK: Partial<RemoteOptions> = { backoff: { maxAttempts: 1 }, maxRefreshes: 1, timeoutMs: 1500 };
/**
 * What `drive status` needs before asking Drive: the OAuth client this copy signs in as (null: none), the
 * remote when connected, and why not otherwise (no client or not connected are steps, not errors).
 */
export async function openForStatus(
  db: Db,
  access: { secrets: SecretStore; env?: NodeJS.ProcessEnv },
): Promise<{
  client: { id: string; source: ClientSource } | null;
  remote: DriveRemote | null;
  configured: boolean;
  openError: unknown;
}> {
  let client = null;
  try {
    client = oauthClient(await driveSettingsWithSecret(db, access.secrets), access.env ?? process.env);
    if (!client) throw new CairnError('usage', NO_CLIENT_MESSAGE);
    const remote = await openDriveRemote(db, access, { quick: true }); // one try, answered within seconds
    return { client: { id: client.id, source: client.source }, remote, configured: true, openError: null };
  } catch (e) {
    const configured = !(e instanceof CairnError && e.code === 'usage');
    return {
      client: client && { id: client.id, source: client.source },
      remote: null,
      configured,
      openError: e,
    };
  }
}
