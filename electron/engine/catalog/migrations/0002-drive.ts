import type { Migration } from '../migrate';

/**
 * The Drive copy: packs on Drive (each content of a plan stored once, by SHA-256), which pack holds which
 * content, the manifests of the backups on Drive, and each plan's Drive state (folder, retention, last push).
 */
export const migration0002: Migration = {
  version: 2,
  name: 'drive',
  up: (db) => {
    db.exec(`
      CREATE TABLE drive_packs (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('staged', 'uploaded')),
        file_id TEXT,
        size INTEGER NOT NULL,
        md5 TEXT NOT NULL,
        content_bytes INTEGER NOT NULL,
        members INTEGER NOT NULL,
        encrypted INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        uploaded_at INTEGER,
        UNIQUE (plan_id, name)
      );
      CREATE TABLE drive_pack_contents (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        pack_id INTEGER NOT NULL REFERENCES drive_packs(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        PRIMARY KEY (plan_id, sha256)
      ) WITHOUT ROWID;
      CREATE INDEX drive_pack_contents_pack ON drive_pack_contents(pack_id);
      CREATE TABLE drive_manifests (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        file_id TEXT NOT NULL,
        name TEXT NOT NULL,
        md5 TEXT NOT NULL,
        map_file_id TEXT NOT NULL,
        map_name TEXT NOT NULL,
        map_md5 TEXT NOT NULL,
        files INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        uploaded_at INTEGER NOT NULL,
        UNIQUE (plan_id, stamp)
      );
      CREATE TABLE drive_pruned (
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        pruned_at INTEGER NOT NULL,
        PRIMARY KEY (plan_id, stamp)
      ) WITHOUT ROWID;
      CREATE TABLE drive_plans (
        plan_id INTEGER PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
        machine TEXT NOT NULL,
        folder_id TEXT,
        folder_url TEXT,
        readme_version INTEGER NOT NULL DEFAULT 0,
        keep_last INTEGER,
        keep_daily INTEGER,
        keep_weekly INTEGER,
        keep_monthly INTEGER,
        keep_yearly INTEGER,
        last_push_at INTEGER,
        last_push_bytes INTEGER,
        last_error_code TEXT,
        last_error_message TEXT,
        last_error_at INTEGER,
        resumes_at INTEGER
      );
    `);
  },
};
