import type { Migration } from '../migrate';

/**
 * Drive's resumable upload sessions, saved before the first byte is sent, so that a push after a crash or
 * kill -9 continues a staged pack's upload from the last byte Google has instead of from zero: the file's
 * name on Drive (a pack's name), the session URI, the size and MD5 of the bytes being sent, and when the
 * session was opened (Google keeps one about a week).
 */
export const migration0008: Migration = {
  version: 8,
  name: 'drive-sessions',
  up: (db) => {
    db.exec(`
      CREATE TABLE drive_sessions (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uri TEXT NOT NULL,
        size INTEGER NOT NULL,
        md5 TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (plan_id, name)
      ) WITHOUT ROWID;
    `);
  },
};
