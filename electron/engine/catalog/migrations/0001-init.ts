import type { Migration } from '../migrate';

/** Plans, sources, excludes, backups, file versions (stored once per version) and the activity log. */
export const migration0001: Migration = {
  version: 1,
  name: 'init',
  up: (db) => {
    db.exec(`
      CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        dest TEXT NOT NULL,
        schedule TEXT NOT NULL DEFAULT '0 2 * * *',
        keep_last INTEGER NOT NULL DEFAULT 0,
        keep_daily INTEGER NOT NULL DEFAULT 7,
        keep_weekly INTEGER NOT NULL DEFAULT 4,
        keep_monthly INTEGER NOT NULL DEFAULT 12,
        keep_yearly INTEGER NOT NULL DEFAULT 0,
        auto_prune INTEGER NOT NULL DEFAULT 1,
        stale_hours INTEGER NOT NULL DEFAULT 26,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        path TEXT NOT NULL,
        UNIQUE (plan_id, label)
      );
      CREATE TABLE excludes (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        pattern TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE backups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('complete', 'warnings', 'failed')),
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        files INTEGER NOT NULL DEFAULT 0,
        dirs INTEGER NOT NULL DEFAULT 0,
        symlinks INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        new_files INTEGER NOT NULL DEFAULT 0,
        new_bytes INTEGER NOT NULL DEFAULT 0,
        linked_files INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        pinned INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        verified_at INTEGER,
        verify_result TEXT
      );
      CREATE UNIQUE INDEX backups_plan_stamp ON backups(plan_id, stamp) WHERE status <> 'failed';
      CREATE TABLE backup_warnings (
        backup_id INTEGER NOT NULL REFERENCES backups(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE INDEX backup_warnings_backup ON backup_warnings(backup_id);
      CREATE TABLE file_versions (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        parent TEXT NOT NULL,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('f', 'd', 'l')),
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        mode INTEGER NOT NULL,
        sha256 TEXT,
        target TEXT,
        first_backup INTEGER NOT NULL,
        last_backup INTEGER
      );
      CREATE INDEX file_versions_dir ON file_versions(plan_id, parent, name);
      CREATE INDEX file_versions_open ON file_versions(plan_id, last_backup);
      CREATE TABLE activity (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        plan_id INTEGER REFERENCES plans(id) ON DELETE SET NULL,
        backup_id INTEGER,
        kind TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
        actor TEXT NOT NULL,
        message TEXT NOT NULL,
        details TEXT
      );
      CREATE INDEX activity_at ON activity(at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `);
  },
};
