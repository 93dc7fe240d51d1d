import type { Db } from '../../catalog/db';
import { listBackups } from '../../catalog/backups';
import { kvGet, kvSet } from '../../catalog/kv';
import { listPlans } from '../../catalog/plans';
import { CairnError, describeError } from '../../errors';
import { DRIVE_TOKENS_KEY, type SecretStore } from '../../secrets/store';
import type { ClientSource } from '../config';
import { DriveError } from '../errors';
import type { DriveAbout, DriveRemote } from '../types';
import { clientMismatch, copyClient } from './client';
import { loadDriveKey } from './crypto';
import {
  driveCopy,
  driveHasContent,
  findDrivePlan,
  lastDriveQuota,
  listDriveManifests,
  listPacks,
  prunedFromDrive,
  recordDriveQuota,
  updateDrivePlan,
  type CopyId,
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
    /** Set while a push waits for Google's daily (or rate) limit: when it tries again by itself. */
    resumesAt: number | null;
    /** "Waiting for Google's daily limit, resumes about HH:MM." while it waits, else null. */
    waiting: string | null;
  }[];
  /** The newest error in plain words (a push waiting for Google's limit is not one: see plans[].waiting). */
  lastError: { code: string; message: string; at: number } | null;
  /** Why Google was not asked or did not answer just now (account and quota are then the last known). */
  probeError: string | null;
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
export function drivePendingBytes(db: Db, c: CopyId): number {
  const { planId } = c;
  const on = new Set(listDriveManifests(db, c).map((m) => m.stamp));
  for (const s of prunedFromDrive(db, c)) on.add(s);
  const waiting = listBackups(db, { planId })
    .filter((b) => !on.has(b.stamp))
    .map((b) => b.id);
  if (waiting.length === 0) return 0;
  // Any pack, staged or uploaded (staged packs are counted below), and a piece list whose pieces are packed.
  const has = driveHasContent(db, c, false);
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
  return bytes + listPacks(db, c, 'staged').reduce((n, p) => n + p.contentBytes, 0);
}

/** How long `drive status` waits for Google before answering from the catalog. */
export const STATUS_PROBE_MS = 2000;
const ACCOUNT_KEY = 'drive.account';

type Probe = { about: DriveAbout } | { error: unknown };

/** about.get, or why not, within `ms` (the remote itself tries once with a short timeout: see openRemote's quick). */
async function probe(remote: DriveRemote, ms: number): Promise<Probe> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Probe>((resolve) => {
    timer = setTimeout(
      () => resolve({ error: new CairnError('io', `Google did not answer within ${ms / 1000} s.`) }),
      ms,
    );
    timer.unref();
  });
  try {
    return await Promise.race([
      remote.about().then(
        (about) => ({ about }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Google refused the link (invalid_grant, access refused): every plan copied to Drive says so, for health. */
function recordRefusedLink(db: Db, e: DriveError, at: number): void {
  for (const p of listPlans(db)) {
    if (!findDrivePlan(db, driveCopy(p.id))) continue;
    updateDrivePlan(db, driveCopy(p.id), {
      lastErrorCode: e.reason,
      lastErrorMessage: e.message,
      lastErrorAt: at,
    });
  }
}

/**
 * Gathers the Drive status from the catalog at once: each plan's last push, pending bytes, backups on
 * Drive, a wait for Google's limit and until when, and the newest error in plain words. When `remote` is
 * given, Google is asked for the account and quota for at most `probeMs` (one try); a refused link is
 * recorded (so health says so); otherwise the last known account and quota are shown.
 */
export async function driveStatus(o: {
  db: Db;
  secrets: SecretStore;
  remote: DriveRemote | null;
  configured: boolean;
  /** Why there is no remote; shown as the last error when nothing newer, unless a step not taken yet. */
  openError?: unknown;
  now?: () => number;
  probeMs?: number;
  client?: DriveStatusView['client'];
}): Promise<DriveStatusView> {
  const now = o.now ?? Date.now;
  const stored = (await o.secrets.get(DRIVE_TOKENS_KEY)) !== null;
  const fromEnv = !!process.env.CAIRN_DRIVE_REFRESH_TOKEN;
  // With a link, what Google said last stands until it answers again.
  const last = o.remote ? lastDriveQuota(o.db) : null;
  let account: string | null = o.remote ? (kvGet<string>(o.db, ACCOUNT_KEY) ?? null) : null;
  let quota: DriveStatusView['quota'] = last ? { used: last.used, limit: last.limit } : null;
  let probeError: string | null = o.openError ? describeError(o.openError) : null;
  let connected = false;
  if (o.remote) {
    const p = await probe(o.remote, o.probeMs ?? STATUS_PROBE_MS);
    if ('about' in p) {
      account = p.about.emailAddress || p.about.displayName || null;
      quota = { used: p.about.usage, limit: p.about.limit };
      recordDriveQuota(o.db, quota, now());
      kvSet(o.db, ACCOUNT_KEY, account);
      connected = true;
    } else {
      const refused = p.error instanceof DriveError && p.error.code === 'drive-auth';
      if (refused) recordRefusedLink(o.db, p.error as DriveError, now());
      // The link is there and Google did not refuse it: still connected, with what Cairn last knew.
      connected = !refused;
      probeError = describeError(p.error);
    }
  }
  let folderUrl: string | null = null;
  let lastError: DriveStatusView['lastError'] = null;
  const plans: DriveStatusView['plans'] = [];
  for (const p of listPlans(o.db)) {
    const st = findDrivePlan(o.db, driveCopy(p.id));
    const on = listDriveManifests(o.db, driveCopy(p.id));
    const resumesAt = st?.resumesAt ?? null;
    plans.push({
      planName: p.name,
      lastPushAt: st?.lastPushAt ?? null,
      pendingBytes: drivePendingBytes(o.db, driveCopy(p.id)),
      backupsOnDrive: on.length,
      resumesAt,
      waiting: resumesAt ? (st?.lastErrorMessage ?? null) : null,
    });
    if (st?.folderUrl && !folderUrl) folderUrl = st.folderUrl;
    if (resumesAt) continue;
    if (st?.lastErrorAt && st.lastErrorMessage && (!lastError || st.lastErrorAt > lastError.at))
      lastError = { code: st.lastErrorCode ?? 'drive', message: st.lastErrorMessage, at: st.lastErrorAt };
  }
  if (!lastError && o.openError && !notSetUp(o.openError))
    lastError = { code: 'drive-auth', message: describeError(o.openError), at: now() };
  return {
    connected,
    configured: o.configured,
    account,
    quota,
    encrypted: (await loadDriveKey(o.secrets)) !== null,
    folderUrl,
    plans,
    lastError,
    probeError,
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
