import type { Db } from '../../catalog/db';
import { CairnError } from '../../errors';
import type { DriveRemote, UploadSession } from '../types';
import type { CopyId, PackRow } from './store';

/** How long a saved session is continued: Google keeps one about a week; Cairn stops trusting it sooner. */
export const SESSION_LIFETIME_MS = 6 * 24 * 60 * 60 * 1000;

/** A resumable upload session saved in the catalog (migration 0008). */
export interface SessionRow {
  remoteId: number;
  planId: number;
  /** The file's name on Drive (a pack's name). */
  name: string;
  uri: string;
  size: number;
  md5: string;
  createdAt: number;
}

/** The copy's saved sessions. */
export function listSessions(db: Db, c: CopyId): SessionRow[] {
  return db
    .prepare(
      `SELECT remote_id AS remoteId, plan_id AS planId, name, uri, size, md5, created_at AS createdAt
       FROM drive_sessions WHERE remote_id = ? AND plan_id = ? ORDER BY created_at`,
    )
    .all(c.remoteId, c.planId) as SessionRow[];
}

/** Whether a saved session is for these very bytes (same size and MD5) and young enough to continue. */
function usable(r: SessionRow | undefined, pack: PackRow | undefined, now: number): boolean {
  return (
    !!r && !!pack && r.size === pack.size && r.md5 === pack.md5 && now - r.createdAt < SESSION_LIFETIME_MS
  );
}

function deleteSession(db: Db, c: CopyId, name: string): void {
  db.prepare('DELETE FROM drive_sessions WHERE remote_id = ? AND plan_id = ? AND name = ?').run(
    c.remoteId,
    c.planId,
    name,
  );
}

/**
 * The session hook for a pack's upload: the saved URI when it was opened for these very bytes (same size
 * and MD5) within SESSION_LIFETIME_MS; a new session is saved before its first byte goes, and the row
 * removed once the upload is done or Drive forgot it.
 */
export function packSession(db: Db, pack: PackRow, now: () => number): UploadSession {
  const row = listSessions(db, pack).find((r) => r.name === pack.name);
  return {
    uri: row && usable(row, pack, now()) ? row.uri : null,
    save: (uri) => {
      db.prepare(
        `INSERT OR REPLACE INTO drive_sessions (remote_id, plan_id, name, uri, size, md5, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(pack.remoteId, pack.planId, pack.name, uri, pack.size, pack.md5, now());
    },
    forget: () => deleteSession(db, pack, pack.name),
  };
}

/**
 * Cancels (DELETE on the URI) and forgets each saved session that no staged pack of these bytes needs any
 * more, or that is older than SESSION_LIFETIME_MS. A cancel Drive refuses for good is left to Google's own
 * expiry: the row goes anyway.
 */
export async function cancelSessions(
  db: Db,
  remote: DriveRemote,
  c: CopyId,
  staged: PackRow[],
  now: number,
): Promise<number> {
  let cancelled = 0;
  for (const r of listSessions(db, c)) {
    if (
      usable(
        r,
        staged.find((p) => p.name === r.name),
        now,
      )
    )
      continue;
    try {
      await remote.cancelUpload(r.uri);
    } catch (e) {
      if (!(e instanceof CairnError) || ['cancelled', 'drive-auth', 'drive-limit'].includes(e.code)) throw e;
    }
    deleteSession(db, c, r.name);
    cancelled++;
  }
  return cancelled;
}
