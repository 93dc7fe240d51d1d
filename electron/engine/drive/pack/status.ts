import type { Db } from '../../catalog/db';
import { listBackups } from '../../catalog/backups';
import { listPlans } from '../../catalog/plans';
import { CairnError, describeError } from '../../errors';
import { DriveError } from '../errors';
import { DRIVE_TOKENS_KEY, type SecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import type { ClientSource } from '../config';
import { loadDriveKey } from './crypto';
import { clientMismatch, copyClient } from './client';
import {
  findDrivePlan,
  hasContent,
  listDriveManifests,
  listPacks,
  prunedFromDrive,
  recordDriveQuota,
} from './store';

/** What `cairn drive status` and the service's driveStatus show (shared/schemas/drive.ts DriveStatus, plus more). */
export interface DriveStatusView {
  connected: boolean;
  configured: boolean;
  account: string | null;
  quota: { used: number; limit: number | null } | null;
  encrypted: boolean;
  folderUrl: string | null;
  plans: {
    planName: string;
    lastPushAt: number | null;
    /** Bytes a push would still upload: content Drive lacks (drivePendingBytes). */
    pendingBytes: number | null;
    backupsOnDrive: number;
    /** Set while a push waits for Google's upload limit. */
    resumesAt: number | null;
  }[];
  lastError: { code: string; message: string; at: number } | null;
  /** Where the Drive tokens are kept, in plain words (a file in headless mode). */
  tokens: string;
  /** The OAuth client this copy of Cairn signs in as (null: none yet), and the one that made the Drive copy. */
  client: { id: string; source: ClientSource } | null;
  madeWithClient: string | null;
  /** Set when the two differ: rebuilding from Drive needs the same client. */
  clientWarning: string | null;
}

/** Not an error but a step not taken yet: no OAuth client, or Drive not connected. */
function notSetUp(e: unknown): boolean {
  return (
    (e instanceof CairnError && e.code === 'usage') ||
    (e instanceof DriveError && e.reason === 'not_connected')
  );
}

/**
 * Bytes a push of the plan would still upload (no network), for status, metrics and the tray: each content
 * of the backups not on Drive yet that Drive lacks, counted once, plus the content of packs staged and not
 * uploaded yet. Not the backups' sizes: a content already on Drive (a renamed or copied file, a file
 * changed back) costs nothing.
 */
export function drivePendingBytes(db: Db, planId: number): number {
  const on = new Set(listDriveManifests(db, planId).map((m) => m.stamp));
  for (const s of prunedFromDrive(db, planId)) on.add(s);
  const waiting = listBackups(db, { planId })
    .filter((b) => !on.has(b.stamp))
    .map((b) => b.id);
  if (waiting.length === 0) return 0;
  const has = hasContent(db, planId);
  const contents = db
    .prepare(
      `SELECT DISTINCT v.sha256 AS sha256, v.size AS size FROM file_versions v
       WHERE v.plan_id = ? AND v.kind = 'f' AND v.sha256 IS NOT NULL AND EXISTS (
         SELECT 1 FROM json_each(?) b
         WHERE v.first_backup <= b.value AND (v.last_backup IS NULL OR v.last_backup >= b.value))`,
    )
    .iterate(planId, JSON.stringify(waiting)) as IterableIterator<{ sha256: string; size: number }>;
  const seen = new Set<string>();
  let bytes = 0;
  for (const c of contents) {
    if (seen.has(c.sha256)) continue;
    seen.add(c.sha256);
    if (!has(c.sha256)) bytes += c.size;
  }
  // Staged packs hold contents the catalog counts as packed, but not yet on Drive.
  return bytes + listPacks(db, planId, 'staged').reduce((n, p) => n + p.contentBytes, 0);
}

/**
 * Gathers the Drive status: the account and quota when `remote` is given and answers (about.get), each
 * plan's last push, pending bytes and backups on Drive, and the newest error in plain words.
 */
export async function driveStatus(o: {
  db: Db;
  secrets: SecretStore;
  remote: DriveRemote | null;
  configured: boolean;
  /** Why there is no remote; shown as the last error when nothing newer, unless a step not taken yet. */
  openError?: unknown;
  client?: DriveStatusView['client'];
}): Promise<DriveStatusView> {
  const stored = (await o.secrets.get(DRIVE_TOKENS_KEY)) !== null;
  const fromEnv = !!process.env.CAIRN_DRIVE_REFRESH_TOKEN;
  let account: string | null = null;
  let quota: DriveStatusView['quota'] = null;
  let lastError: DriveStatusView['lastError'] = null;
  let connected = false;
  if (o.remote) {
    try {
      const a = await o.remote.about();
      account = a.emailAddress || a.displayName || null;
      quota = { used: a.usage, limit: a.limit };
      recordDriveQuota(o.db, quota, Date.now());
      connected = true;
    } catch (e) {
      lastError = { code: 'drive', message: describeError(e), at: Date.now() };
    }
  }
  let folderUrl: string | null = null;
  const plans: DriveStatusView['plans'] = [];
  for (const p of listPlans(o.db)) {
    const st = findDrivePlan(o.db, p.id);
    const on = listDriveManifests(o.db, p.id);
    plans.push({
      planName: p.name,
      lastPushAt: st?.lastPushAt ?? null,
      pendingBytes: drivePendingBytes(o.db, p.id),
      backupsOnDrive: on.length,
      resumesAt: st?.resumesAt ?? null,
    });
    if (st?.folderUrl && !folderUrl) folderUrl = st.folderUrl;
    if (st?.lastErrorAt && st.lastErrorMessage && (!lastError || st.lastErrorAt > lastError.at))
      lastError = { code: st.lastErrorCode ?? 'drive', message: st.lastErrorMessage, at: st.lastErrorAt };
  }
  if (!lastError && o.openError && !notSetUp(o.openError))
    lastError = { code: 'drive-auth', message: describeError(o.openError), at: Date.now() };
  return {
    connected,
    configured: o.configured,
    account,
    quota,
    encrypted: (await loadDriveKey(o.secrets)) !== null,
    folderUrl,
    plans,
    lastError,
    tokens: fromEnv
      ? 'The Drive link comes from CAIRN_DRIVE_REFRESH_TOKEN in the environment.'
      : stored
        ? `Drive tokens are kept ${o.secrets.description}.`
        : 'No Drive tokens are stored.',
    client: o.client ?? null,
    madeWithClient: copyClient(o.db),
    clientWarning: clientMismatch(copyClient(o.db), o.client?.id ?? null),
  };
}
