// PLACEHOLDER of [core] until the remotes-s3 branch lands ([s3] owns this file; its version replaces this one
// whole on merge). Only the factory's signature, so remotes/open.ts compiles.
import type { DriveRemote } from '../drive/types';
import { CairnError } from '../errors';
import type { S3Config } from './registry';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function createS3Remote(o: {
  name: string;
  config: S3Config;
  credentials: S3Credentials | null;
  quick?: boolean;
}): DriveRemote {
  throw new CairnError('usage', `S3 remotes are not in this build of Cairn yet (remote ${o.name}).`);
}
