import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';

describe('migration 0002 (drive)', () => {
  it('adds the Drive tables to a version-1 catalog and keeps its plans; deleting a plan removes its Drive rows', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, 1)).toBe(1);
    db.prepare(
      "INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/backup', 1, 1)",
    ).run();
    expect(migrate(db, 2)).toBe(2);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'drive_packs',
        'drive_pack_contents',
        'drive_manifests',
        'drive_plans',
        'drive_pruned',
      ]),
    );
    expect(db.prepare('SELECT name FROM plans').pluck().all()).toEqual(['home']);
    db.prepare(
      `INSERT INTO drive_packs (plan_id, name, status, size, md5, content_bytes, members, encrypted, created_at)
       VALUES (1, 'p.tar.gz', 'staged', 10, 'x', 5, 1, 0, 1)`,
    ).run();
    db.prepare(
      "INSERT INTO drive_pack_contents (plan_id, sha256, pack_id, size) VALUES (1, 'aa', 1, 5)",
    ).run();
    expect(() =>
      db
        .prepare("INSERT INTO drive_pack_contents (plan_id, sha256, pack_id, size) VALUES (1, 'aa', 1, 5)")
        .run(),
    ).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM plans').run();
    expect(db.prepare('SELECT COUNT(*) FROM drive_pack_contents').pluck().get()).toBe(0);
    db.close();
  });
});
