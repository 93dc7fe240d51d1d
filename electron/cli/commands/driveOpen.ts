import { openDrive, type DriveRemote } from '../../engine/drive/index';
import type { SecretStore } from '../../engine/secrets/store';
import { driveSettings } from '../../engine/drive/pack/settings';
import type { CliContext } from '../context';

/** The one secret store (a 0600 file: the command line has no keychain). */
export function cliSecrets(c: CliContext): SecretStore {
  return c.secrets();
}

/** Opens Drive with the catalog's settings, the environment and the stored tokens. */
export async function cliRemote(
  c: CliContext,
  o: { bandwidthBytesPerSecond?: number | null } = {},
): Promise<DriveRemote> {
  const s = driveSettings(c.catalog());
  const { remote } = await openDrive({
    secrets: cliSecrets(c),
    settings: s,
    bandwidthBytesPerSecond: o.bandwidthBytesPerSecond ?? s.bandwidthBytesPerSecond,
  });
  return remote;
}
