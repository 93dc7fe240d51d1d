import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';

describe('migration 0006 (restores)', () => {
  it('adds the restore record to a version-5 catalog; a pruned safety backup leaves the record, a removed plan takes it', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, 5)).toBe(5);
    db.prepare(
      "INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/backup', 1, 1)",
    ).run();
    db.prepare(
      "INSERT INTO backups (plan_id, stamp, status, started_at, finished_at, pinned) VALUES (1, 's', 'complete', 1, 1, 1)",
    ).run();
    expect(migrate(db, 6)).toBe(6);
    db.prepare(
      "INSERT INTO restores (plan_id, stamp, safety_backup_id, safety_stamp, at, actor) VALUES (1, 'r', 1, 's', 5, 'test')",
    ).run();
    db.prepare(
      "INSERT INTO restore_changes (restore_id, seq, path, before_kind, after_kind, after_size) VALUES (1, 0, 'src/a', NULL, 'f', 3)",
    ).run();
    expect(() =>
      db
        .prepare("INSERT INTO restore_changes (restore_id, seq, path, after_kind) VALUES (1, 1, 'x', 'z')")
        .run(),
    ).toThrow(/CHECK/);
    db.prepare('DELETE FROM backups').run();
    expect(db.prepare('SELECT safety_backup_id FROM restores').pluck().get()).toBeNull();
    db.prepare('DELETE FROM plans').run();
    expect(db.prepare('SELECT COUNT(*) FROM restore_changes').pluck().get()).toBe(0);
    db.close();
  });
});
