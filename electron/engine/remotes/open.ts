// Opening an off-site copy by its kind: Drive through its OAuth client, an S3 bucket with the credentials in
// the secret store (else the AWS SDK's own chain), an rclone remote through rclone's config. Each client is
// loaded only when a remote of its kind is opened: a command that reaches none should not pay for them.
import type { Db } from '../catalog/db';
import { openDriveRemote } from '../drive/pack/openRemote';
import type { DriveRemote } from '../drive/types';
import { CairnError } from '../errors';
import type { SecretStore } from '../secrets/store';
import type { StoreOptions } from './options';
import { remoteSecretKey, type RcloneConfig, type RemoteRow, type S3Config } from './registry';

export interface RemoteAccess {
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  /** For S3 and rclone stores: their clock and retry policy (tests run backoff waits at once), retry notices. */
  store?: Omit<StoreOptions, 'quick'>;
}

/** The store behind a remote of the catalog, as the one contract the pack layer runs on (DriveRemote). */
export async function openRemote(
  db: Db,
  row: RemoteRow,
  access: RemoteAccess,
  o: { quick?: boolean } = {},
): Promise<DriveRemote> {
  if (row.kind === 'drive') return openDriveRemote(db, access, { quick: o.quick });
  if (row.kind === 's3') {
    const { createS3Remote } = await import('./s3');
    return createS3Remote({
      ...access.store,
      name: row.name,
      config: row.config as S3Config,
      credentials: await s3Credentials(row, access.secrets),
      quick: o.quick,
    });
  }
  const { createRcloneRemote } = await import('./rclone');
  return createRcloneRemote({
    ...access.store,
    name: row.name,
    config: row.config as RcloneConfig,
    env: access.env,
    quick: o.quick,
  });
}

/** The S3 keys `cairn remote add` stored for the remote; null: none (the AWS SDK's default chain then). */
async function s3Credentials(
  row: RemoteRow,
  secrets: SecretStore,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null> {
  const raw = await secrets.get(remoteSecretKey(row.name));
  if (raw === null) return null;
  try {
    const c = JSON.parse(raw) as { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown };
    if (typeof c.accessKeyId === 'string' && typeof c.secretAccessKey === 'string')
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        ...(typeof c.sessionToken === 'string' ? { sessionToken: c.sessionToken } : {}),
      };
  } catch {
    // told below
  }
  throw new CairnError(
    'corrupt',
    `The stored S3 keys of remote ${row.name} cannot be read; set them again with \`cairn remote add\`.`,
  );
}

/** Where a remote keeps the copy, for lists and messages: "Google Drive", "s3://bucket/prefix", "nas:backups". */
export function remoteLabel(row: RemoteRow): string {
  if (row.kind === 'drive') return 'Google Drive';
  if (row.kind === 's3') {
    const c = row.config as S3Config;
    return `s3://${c.bucket}/${c.prefix}`.replace(/\/$/, '');
  }
  return (row.config as RcloneConfig).remote;
}
