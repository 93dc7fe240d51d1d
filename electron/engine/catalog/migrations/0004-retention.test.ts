import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';

describe('migration 0004 (retention)', () => {
  it('gives existing plans keep-within 24h and noted 30 days unless their count rules were changed', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    expect(migrate(db, 3)).toBe(3);
    const plan = db.prepare(
      `INSERT INTO plans (name, dest, keep_last, keep_daily, keep_weekly, keep_monthly, keep_yearly, created_at,
         updated_at) VALUES (?, '/backup', ?, ?, ?, ?, ?, 1, 1)`,
    );
    plan.run('defaults', 0, 7, 4, 12, 0);
    plan.run('last-one', 1, 0, 0, 0, 0);
    plan.run('everything', 0, 0, 0, 0, 0);
    const backup = db.prepare(
      `INSERT INTO backups (plan_id, stamp, status, started_at, finished_at, note, pinned)
       VALUES (1, ?, 'complete', 1, 1, ?, ?)`,
    );
    backup.run('2026-01-01_000000', null, 0);
    backup.run('2026-01-02_000000', 'before the OS upgrade', 0);
    backup.run('2026-01-03_000000', 'before restore of defaults/2026-01-01_000000', 1);
    backup.run('2026-01-04_000000', 'imported from the destination', 0);
    expect(migrate(db, 4)).toBe(4);
    expect(
      db.prepare('SELECT name, keep_within_hours, keep_noted_days FROM plans ORDER BY id').raw().all(),
    ).toEqual([
      ['defaults', 24, 30],
      ['last-one', 0, 30],
      ['everything', 0, 30],
    ]);
    expect(db.prepare('SELECT stamp, manual FROM backups ORDER BY id').raw().all()).toEqual([
      ['2026-01-01_000000', 0],
      ['2026-01-02_000000', 1],
      ['2026-01-03_000000', 0],
      ['2026-01-04_000000', 0],
    ]);
    db.close();
  });
});
