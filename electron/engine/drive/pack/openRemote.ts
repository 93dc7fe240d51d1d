import type { Db } from '../../catalog/db';
import type { SecretStore } from '../../secrets/store';
import type { RemoteOptions } from '../remote';
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
