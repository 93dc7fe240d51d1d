import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';

describe('migration 0007 (drive pieces)', () => {
  it('adds piece lists to a version-6 catalog: one row per (content, index), removed with their plan', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    db.pragma('foreign_keys = ON');
    expect(migrate(db, 6)).toBe(6);
    db.prepare(
      "INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/backup', 1, 1)",
    ).run();
    expect(migrate(db, 7)).toBe(7);
    const ins = db.prepare(
      'INSERT INTO drive_pieces (plan_id, sha256, idx, piece_sha256, size) VALUES (1, ?, ?, ?, ?)',
    );
    ins.run('w', 0, 'p0', 8);
    ins.run('w', 1, 'p1', 3);
    expect(() => ins.run('w', 1, 'p2', 3)).toThrow(/UNIQUE|PRIMARY/);
    db.prepare('DELETE FROM plans').run();
    expect(db.prepare('SELECT COUNT(*) FROM drive_pieces').pluck().get()).toBe(0);
    db.close();
  });
});
