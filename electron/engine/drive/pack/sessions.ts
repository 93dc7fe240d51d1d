import type { Db } from '../../catalog/db';
import { CairnError } from '../../errors';
import type { DriveRemote, UploadSession } from '../types';
import type { PackRow } from './store';

/** How long a saved session is continued: Google keeps one about a week; Cairn stops trusting it sooner. */
export const SESSION_LIFETIME_MS = 6 * 24 * 60 * 60 * 1000;

/** A resumable upload session saved in the catalog (migration 0008). */
export interface SessionRow {
  planId: number;
  /** The file's name on Drive (a pack's name). */
  name: string;
  uri: string;
  size: number;
  md5: string;
  createdAt: number;
}

/** The plan's saved sessions. */
export function listSessions(db: Db, planId: number): SessionRow[] {
  return db
    .prepare(
      `SELECT plan_id AS planId, name, uri, size, md5, created_at AS createdAt
       FROM drive_sessions WHERE plan_id = ? ORDER BY created_at`,
    )
    .all(planId) as SessionRow[];
}

/** Whether a saved session is for these very bytes (same size and MD5) and young enough to continue. */
function usable(r: SessionRow | undefined, pack: PackRow | undefined, now: number): boolean {
  return (
    !!r && !!pack && r.size === pack.size && r.md5 === pack.md5 && now - r.createdAt < SESSION_LIFETIME_MS
  );
}

function deleteSession(db: Db, planId: number, name: string): void {
  db.prepare('DELETE FROM drive_sessions WHERE plan_id = ? AND name = ?').run(planId, name);
}

/**
 * The session hook for a pack's upload: the saved URI when it was opened for these very bytes (same size
 * and MD5) within SESSION_LIFETIME_MS; a new session is saved before its first byte goes, and the row
 * removed once the upload is done or Drive forgot it.
 */
export function packSession(db: Db, planId: number, pack: PackRow, now: () => number): UploadSession {
  const row = listSessions(db, planId).find((r) => r.name === pack.name);
  return {
    uri: row && usable(row, pack, now()) ? row.uri : null,
    save: (uri) => {
      db.prepare(
        `INSERT OR REPLACE INTO drive_sessions (plan_id, name, uri, size, md5, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(planId, pack.name, uri, pack.size, pack.md5, now());
    },
    forget: () => deleteSession(db, planId, pack.name),
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
  planId: number,
  staged: PackRow[],
  now: number,
): Promise<number> {
  let cancelled = 0;
  for (const r of listSessions(db, planId)) {
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
    deleteSession(db, planId, r.name);
    cancelled++;
  }
  return cancelled;
}
