import os from 'node:os';
import type { Db } from '../../catalog/db';
import { kvDelete, kvGet, kvSet } from '../../catalog/kv';
import type { SecretStore } from '../../secrets/store';
import type { DriveSettings } from '../config';

/** Catalog settings keys of the Drive copy (values are JSON, as in the service's settings store). */
export const DRIVE_SETTING_KEYS = {
  clientId: 'drive.clientId',
  /** Before 0.x the client secret sat in the catalog under this key; it moves to the secret store on open. */
  clientSecret: 'drive.clientSecret',
  apiUrl: 'drive.apiUrl',
  tokenUrl: 'drive.tokenUrl',
  authUrl: 'drive.authUrl',
  /** Upload bandwidth limit in bytes per second (null: none). */
  bandwidth: 'drive.bandwidthBytesPerSecond',
  /** The folder under Cairn/ for this machine (default: the host name). */
  machine: 'drive.machine',
  /** Content bytes per pack (default 32 MiB). */
  packTarget: 'drive.packTargetBytes',
  /** Push after each backup when Drive is connected (default true). */
  autoPush: 'drive.autoPush',
} as const;

/** Stores one Drive setting (null removes it). */
export function setDriveSetting(db: Db, key: string, value: unknown): void {
  if (value === null || value === undefined) kvDelete(db, key);
  else kvSet(db, key, value);
}

/** The Drive settings the catalog holds (the environment still wins, see driveConfig). */
export function driveSettings(db: Db): DriveSettings & {
  bandwidthBytesPerSecond: number | null;
  machine: string;
  autoPush: boolean;
  packTargetBytes: number | null;
} {
  const k = DRIVE_SETTING_KEYS;
  return {
    clientId: kvGet<string>(db, k.clientId) ?? null,
    clientSecret: kvGet<string>(db, k.clientSecret) ?? null,
    apiUrl: kvGet<string>(db, k.apiUrl) ?? null,
    tokenUrl: kvGet<string>(db, k.tokenUrl) ?? null,
    authUrl: kvGet<string>(db, k.authUrl) ?? null,
    bandwidthBytesPerSecond: kvGet<number>(db, k.bandwidth) ?? null,
    machine: kvGet<string>(db, k.machine) ?? defaultMachine(),
    autoPush: kvGet<boolean>(db, k.autoPush) ?? true,
    packTargetBytes: kvGet<number>(db, k.packTarget) ?? null,
  };
}

/** The secret store key of the OAuth client secret (never in the catalog). */
export const DRIVE_CLIENT_SECRET = 'drive.clientSecret';

/** The Drive settings with the OAuth client secret from the secret store (a catalog one not yet moved, else). */
export async function driveSettingsWithSecret(
  db: Db,
  secrets: SecretStore,
): Promise<ReturnType<typeof driveSettings>> {
  const s = driveSettings(db);
  return { ...s, clientSecret: (await secrets.get(DRIVE_CLIENT_SECRET)) ?? s.clientSecret };
}

/** Keeps the user's own OAuth client: its ID in the catalog, its secret in the secret store. */
export async function saveOwnClient(db: Db, secrets: SecretStore, id: string, secret: string): Promise<void> {
  setDriveSetting(db, DRIVE_SETTING_KEYS.clientId, id);
  await secrets.set(DRIVE_CLIENT_SECRET, secret);
}

/** Moves a client secret stored in the catalog by an older Cairn into the secret store. */
export async function moveClientSecret(db: Db, secrets: SecretStore): Promise<boolean> {
  const old = kvGet<string>(db, DRIVE_SETTING_KEYS.clientSecret);
  if (old === undefined) return false;
  if (old && !(await secrets.get(DRIVE_CLIENT_SECRET))) await secrets.set(DRIVE_CLIENT_SECRET, old);
  kvDelete(db, DRIVE_SETTING_KEYS.clientSecret);
  return true;
}

/** The host name as a folder name (short, no dots or slashes). */
export function defaultMachine(): string {
  const h = os.hostname().split('.')[0] ?? '';
  return h.replace(/[^A-Za-z0-9._-]/g, '_') || 'this-machine';
}
