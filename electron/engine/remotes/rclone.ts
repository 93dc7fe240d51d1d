// PLACEHOLDER of [core] until the remotes-rclone branch lands ([rclone] owns this file; its version replaces
// this one whole on merge). Only the factory's signature, so remotes/open.ts compiles.
import type { DriveRemote } from '../drive/types';
import { CairnError } from '../errors';
import type { RcloneConfig } from './registry';

export function createRcloneRemote(o: {
  name: string;
  config: RcloneConfig;
  env?: NodeJS.ProcessEnv;
  quick?: boolean;
}): DriveRemote {
  throw new CairnError('usage', `rclone remotes are not in this build of Cairn yet (remote ${o.name}).`);
}
