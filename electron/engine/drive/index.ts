// The Drive client layer: configuration, OAuth for installed apps, token storage, and the DriveRemote
// that packs/push/restore build on. See types.ts for the DriveRemote contract.
import { driveConfig, type DriveConfig, type DriveSettings } from './config';
import { authorizedClient } from './oauth';
import { createDriveRemote, type RemoteOptions } from './remote';
import type { SecretStore } from '../secrets/store';
import type { DriveRemote } from './types';

export * from './browser';
export * from './config';
export * from './errors';
export * from './oauth';
export * from './pacing';
export * from './remote';
export * from './types';
export type { RetryNotice } from './transport';

/** Everything needed to reach Drive with the stored link. */
export interface OpenDriveOptions extends Omit<RemoteOptions, 'auth' | 'apiUrl'> {
  secrets: SecretStore;
  settings?: DriveSettings;
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the DriveRemote from settings, the environment and the stored tokens (or CAIRN_DRIVE_REFRESH_TOKEN).
 * Throws a DriveError `drive-auth` "Drive is not connected" when there is no link yet.
 */
export async function openDrive(o: OpenDriveOptions): Promise<{ remote: DriveRemote; config: DriveConfig }> {
  const { secrets, settings, env, ...rest } = o;
  const config = driveConfig(settings, env);
  const auth = await authorizedClient(config, secrets);
  return { remote: createDriveRemote({ ...rest, auth, apiUrl: config.apiUrl }), config };
}
