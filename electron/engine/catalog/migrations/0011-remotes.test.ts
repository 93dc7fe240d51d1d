import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';
import { migration0011 } from './0011-remotes';

const TABLES = [
  'drive_packs',
  'drive_pack_contents',
  'drive_manifests',
  'drive_pruned',
  'drive_plans',
  'drive_pieces',
  'drive_sessions',
];

function count(db: Database.Database, table: string, where = ''): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table} ${where}`).get() as { n: number }).n;
}

describe('migration 0011 (remotes)', () => {
  it('keeps every row of the Drive copy as remote 1, named drive, with foreign keys on', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    db.pragma('foreign_keys = ON');
    migrate(db, migration0011.version - 1);
    db.exec(`
      INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1);
      INSERT INTO drive_packs (plan_id, name, status, file_id, size, md5, content_bytes, members, encrypted, created_at)
        VALUES (1, 'p1', 'uploaded', 'f1', 10, 'm', 10, 1, 0, 1);
      INSERT INTO drive_pack_contents VALUES (1, 'aa', 1, 10);
      INSERT INTO drive_manifests (plan_id, stamp, file_id, name, md5, map_file_id, map_name, map_md5, files, bytes,
        started_at, uploaded_at, manifest_parent) VALUES (1, 's', 'f', 'n', 'm', 'mf', 'mn', 'mm', 1, 1, 1, 1, 'r');
      INSERT INTO drive_pruned VALUES (1, 'old', 5);
      INSERT INTO drive_plans (plan_id, machine, keep_daily, last_push_at) VALUES (1, 'box', 7, 9);
      INSERT INTO drive_pieces VALUES (1, 'aa', 0, 'bb', 5);
      INSERT INTO drive_sessions VALUES (1, 'p1', 'https://u', 10, 'm', 3);
    `);
    expect(migrate(db, migration0011.version)).toBe(migration0011.version);
    expect(db.prepare('SELECT id, name, kind FROM remotes').all()).toEqual([
      { id: 1, name: 'drive', kind: 'drive' },
    ]);
    for (const t of TABLES) {
      expect(count(db, t), t).toBe(1);
      expect(count(db, t, 'WHERE remote_id = 1'), t).toBe(1);
    }
    expect(db.prepare('SELECT manifest_parent FROM drive_manifests').get()).toEqual({ manifest_parent: 'r' });
    expect(db.prepare('SELECT keep_daily, last_push_at FROM drive_plans').get()).toEqual({
      keep_daily: 7,
      last_push_at: 9,
    });
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // A second remote holds the same content of the same plan in its own pack.
    db.exec(`
      INSERT INTO remotes (name, kind, config, created_at) VALUES ('b2', 's3', '{}', 1);
      INSERT INTO drive_packs (remote_id, plan_id, name, status, size, md5, content_bytes, members, encrypted, created_at)
        VALUES (2, 1, 'p2', 'staged', 10, 'm', 10, 1, 0, 1);
      INSERT INTO drive_pack_contents VALUES (2, 1, 'aa', 2, 10);
      INSERT INTO drive_plans (remote_id, plan_id, machine) VALUES (2, 1, 'box');
    `);
    expect(count(db, 'drive_pack_contents', "WHERE sha256 = 'aa'")).toBe(2);
    db.prepare('DELETE FROM remotes WHERE id = 2').run();
    expect(count(db, 'drive_plans')).toBe(1);
    db.close();
  });
});
