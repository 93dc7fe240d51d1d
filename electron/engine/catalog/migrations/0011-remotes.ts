import type { Migration } from '../migrate';

/**
 * Several off-site copies (issue #18): Google Drive, S3-compatible buckets and rclone remotes, each a row of
 * `remotes` (Drive is row 1, named "drive", and keeps every earlier row). The copy tables of migrations
 * 0002, 0007, 0008 and 0009 keep their names (`drive_*`: the pack format began on Drive) and gain
 * `remote_id`, so each remote holds its own packs, manifests, pieces, sessions, retention and state per
 * plan. `remote_plans` says which plans a remote other than Drive copies (Drive copies every plan).
 *
 * The tables nothing references are rebuilt with the new keys. `drive_packs` is referenced by
 * `drive_pack_contents`, so it gains the column in place (without a foreign key, which ALTER TABLE cannot
 * add with a default); removing a remote deletes its packs itself (remotes/registry.ts).
 */
export const migration0011: Migration = {
  version: 11,
  name: 'remotes',
  up: (db) => {
    db.exec(`
      CREATE TABLE remotes (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('drive', 's3', 'rclone')),
        config TEXT NOT NULL,
        auto_push INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
      );
      INSERT INTO remotes (id, name, kind, config, created_at) VALUES (1, 'drive', 'drive', '{}', 0);
      CREATE TABLE remote_plans (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        PRIMARY KEY (remote_id, plan_id)
      ) WITHOUT ROWID;

      ALTER TABLE drive_packs ADD COLUMN remote_id INTEGER NOT NULL DEFAULT 1;
      CREATE INDEX drive_packs_remote ON drive_packs(remote_id, plan_id, status);

      CREATE TABLE drive_pack_contents_new (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        pack_id INTEGER NOT NULL REFERENCES drive_packs(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        PRIMARY KEY (remote_id, plan_id, sha256)
      ) WITHOUT ROWID;
      INSERT INTO drive_pack_contents_new SELECT 1, plan_id, sha256, pack_id, size FROM drive_pack_contents;
      DROP TABLE drive_pack_contents;
      ALTER TABLE drive_pack_contents_new RENAME TO drive_pack_contents;
      CREATE INDEX drive_pack_contents_pack ON drive_pack_contents(pack_id);

      CREATE TABLE drive_manifests_new (
        id INTEGER PRIMARY KEY,
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
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
        manifest_parent TEXT,
        map_parent TEXT,
        UNIQUE (remote_id, plan_id, stamp)
      );
      INSERT INTO drive_manifests_new
        SELECT id, 1, plan_id, stamp, file_id, name, md5, map_file_id, map_name, map_md5, files, bytes,
               started_at, uploaded_at, manifest_parent, map_parent
        FROM drive_manifests;
      DROP TABLE drive_manifests;
      ALTER TABLE drive_manifests_new RENAME TO drive_manifests;

      CREATE TABLE drive_pruned_new (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        stamp TEXT NOT NULL,
        pruned_at INTEGER NOT NULL,
        PRIMARY KEY (remote_id, plan_id, stamp)
      ) WITHOUT ROWID;
      INSERT INTO drive_pruned_new SELECT 1, plan_id, stamp, pruned_at FROM drive_pruned;
      DROP TABLE drive_pruned;
      ALTER TABLE drive_pruned_new RENAME TO drive_pruned;

      CREATE TABLE drive_plans_new (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
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
        resumes_at INTEGER,
        PRIMARY KEY (remote_id, plan_id)
      );
      INSERT INTO drive_plans_new
        SELECT 1, plan_id, machine, folder_id, folder_url, readme_version, keep_last, keep_daily, keep_weekly,
               keep_monthly, keep_yearly, last_push_at, last_push_bytes, last_error_code, last_error_message,
               last_error_at, resumes_at
        FROM drive_plans;
      DROP TABLE drive_plans;
      ALTER TABLE drive_plans_new RENAME TO drive_plans;

      CREATE TABLE drive_pieces_new (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        idx INTEGER NOT NULL,
        piece_sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (remote_id, plan_id, sha256, idx)
      ) WITHOUT ROWID;
      INSERT INTO drive_pieces_new SELECT 1, plan_id, sha256, idx, piece_sha256, size FROM drive_pieces;
      DROP TABLE drive_pieces;
      ALTER TABLE drive_pieces_new RENAME TO drive_pieces;
      CREATE INDEX drive_pieces_piece ON drive_pieces(remote_id, plan_id, piece_sha256);

      CREATE TABLE drive_sessions_new (
        remote_id INTEGER NOT NULL REFERENCES remotes(id) ON DELETE CASCADE,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uri TEXT NOT NULL,
        size INTEGER NOT NULL,
        md5 TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (remote_id, plan_id, name)
      ) WITHOUT ROWID;
      INSERT INTO drive_sessions_new SELECT 1, plan_id, name, uri, size, md5, created_at FROM drive_sessions;
      DROP TABLE drive_sessions;
      ALTER TABLE drive_sessions_new RENAME TO drive_sessions;
    `);
  },
};
