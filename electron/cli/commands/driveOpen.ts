import type { DriveRemote } from '../../engine/drive/index';
import { openDriveRemote } from '../../engine/drive/pack/openRemote';
import type { SecretStore } from '../../engine/secrets/store';
import type { CliContext } from '../context';

/** The one secret store (a 0600 file: the command line has no keychain). */
export function cliSecrets(c: CliContext): SecretStore {
  return c.secrets();
}

/** Opens Drive with the catalog's settings, the environment and the stored tokens. */
export async function cliRemote(
  c: CliContext,
  o: { bandwidthBytesPerSecond?: number | null; quick?: boolean } = {},
): Promise<DriveRemote> {
  return openDriveRemote(c.catalog(), c.core().drive, o);
}
