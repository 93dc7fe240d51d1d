import type { Migration } from '../migrate';

/**
 * In-place restores and exactly what each one changed, so that an undo puts back only those paths: per
 * path, what the restore wrote (or null: it removed the path) and what was there before (or null: the
 * restore created it), each as kind, size, mtime, mode, SHA-256 and symlink target. The "before restore"
 * backup holds the content to put back; released_at says when its pin was handed back to retention.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'restores',
  up: (db) => {
    db.exec(`
      CREATE TABLE restores (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        safety_backup_id INTEGER REFERENCES backups(id) ON DELETE SET NULL,
        safety_stamp TEXT NOT NULL,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        undone_at INTEGER,
        released_at INTEGER
      );
      CREATE UNIQUE INDEX restores_safety ON restores(plan_id, safety_stamp);
      CREATE TABLE restore_changes (
        restore_id INTEGER NOT NULL REFERENCES restores(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        path TEXT NOT NULL,
        before_kind TEXT CHECK (before_kind IN ('f', 'd', 'l')),
        before_size INTEGER,
        before_mtime_ms REAL,
        before_mode INTEGER,
        before_sha256 TEXT,
        before_target TEXT,
        after_kind TEXT CHECK (after_kind IN ('f', 'd', 'l')),
        after_size INTEGER,
        after_mtime_ms REAL,
        after_mode INTEGER,
        after_sha256 TEXT,
        after_target TEXT,
        PRIMARY KEY (restore_id, seq)
      );
    `);
  },
};
