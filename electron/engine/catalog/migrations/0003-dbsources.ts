import type { Migration } from '../migrate';

/**
 * Database sources: a PostgreSQL database (connection URL without its password, which lives in the secret
 * store) or a SQLite file, dumped or snapshotted before each backup walk; each dump's outcome; and each
 * test restore's result (the weekly drill of the runbooks).
 */
export const migration0003: Migration = {
  version: 3,
  name: 'dbsources',
  up: (db) => {
    db.exec(`
      CREATE TABLE db_sources (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        label TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('postgres', 'sqlite')),
        location TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('custom', 'sql.gz', 'backup', 'vacuum')),
        created_at INTEGER NOT NULL,
        UNIQUE (plan_id, label)
      );
      CREATE TABLE db_dumps (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES db_sources(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        at INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        file TEXT,
        bytes INTEGER,
        duration_ms INTEGER NOT NULL,
        message TEXT
      );
      CREATE INDEX db_dumps_source ON db_dumps(source_id, at);
      CREATE TABLE db_restore_tests (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES db_sources(id) ON DELETE CASCADE,
        backup_id INTEGER REFERENCES backups(id) ON DELETE SET NULL,
        stamp TEXT NOT NULL,
        at INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        detail TEXT NOT NULL,
        duration_ms INTEGER NOT NULL
      );
      CREATE INDEX db_restore_tests_source ON db_restore_tests(source_id, at);
    `);
  },
};
