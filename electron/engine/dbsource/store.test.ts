import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { migrate } from '../catalog/migrate';
import { dbSourceViews, getDbSource, insertDbSource, recordDump, recordRestoreTest } from './store';

function catalogAt(version: number) {
  const db = new Database(path.join(tempDir(), 'c.sqlite'));
  db.pragma('foreign_keys = ON');
  migrate(db, version);
  return db;
}

describe('migration 0003 (database sources)', () => {
  it('adds the tables to a version-2 catalog, keeps its plans, and removes the rows with the plan', () => {
    const db = catalogAt(2);
    db.prepare("INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1)").run();
    expect(migrate(db, 3)).toBe(3);
    expect(db.prepare('SELECT name FROM plans').pluck().all()).toEqual(['home']);
    const s = insertDbSource(
      db,
      { planId: 1, label: 'shop', kind: 'postgres', location: 'postgresql://a@h/shop', format: 'custom' },
      5,
      [],
    );
    recordDump(db, s.id, {
      stamp: 's1',
      at: 6,
      ok: true,
      file: 'shop/shop.dump',
      bytes: 10,
      durationMs: 1,
      message: null,
    });
    recordRestoreTest(db, s.id, null, { stamp: 's1', at: 7, ok: true, detail: 'ok', durationMs: 1 });
    expect(() =>
      db
        .prepare(
          "INSERT INTO db_sources (plan_id, label, kind, location, format, created_at) VALUES (1, 'x', 'mysql', 'l', 'custom', 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.prepare('DELETE FROM plans').run();
    for (const t of ['db_sources', 'db_dumps', 'db_restore_tests'])
      expect(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()).toBe(0);
    db.close();
  });
});

describe('database source records', () => {
  it('refuses a label a folder source or another database already has', () => {
    const db = catalogAt(3);
    db.prepare("INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1)").run();
    const s = {
      planId: 1,
      label: 'docs',
      kind: 'sqlite' as const,
      location: '/x/app.db',
      format: 'backup' as const,
    };
    expect(() => insertDbSource(db, s, 1, ['docs'])).toThrow(/already has a source named "docs"/);
    insertDbSource(db, { ...s, label: 'app' }, 1, ['docs']);
    expect(() => insertDbSource(db, { ...s, label: 'app' }, 1, [])).toThrow(/already has/);
    expect(() => insertDbSource(db, { ...s, label: '../up' }, 1, [])).toThrow(/not usable/);
    expect(() => getDbSource(db, 1, 'nope')).toThrow(/it has: app/);
  });

  it('shows the last good dump only when its backup was kept, and a later failure beside it', () => {
    const db = catalogAt(3);
    db.prepare("INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1)").run();
    const s = insertDbSource(
      db,
      { planId: 1, label: 'app', kind: 'sqlite', location: '/x/app.db', format: 'backup' },
      1,
      [],
    );
    db.prepare(
      "INSERT INTO backups (plan_id, stamp, status, started_at, finished_at) VALUES (1, 's1', 'complete', 1, 2)",
    ).run();
    recordDump(db, s.id, {
      stamp: 's1',
      at: 10,
      ok: true,
      file: 'app/app.db',
      bytes: 4096,
      durationMs: 3,
      message: null,
    });
    recordDump(db, s.id, {
      stamp: 's2',
      at: 20,
      ok: true,
      file: 'app/app.db',
      bytes: 8192,
      durationMs: 3,
      message: null,
    });
    recordDump(db, s.id, {
      stamp: 's3',
      at: 30,
      ok: false,
      file: null,
      bytes: null,
      durationMs: 3,
      message: 'gone',
    });
    const [v] = dbSourceViews(db, 1);
    expect(v!.lastGoodDump).toMatchObject({ stamp: 's1', bytes: 4096 }); // s2's backup never finished
    expect(v!.lastDump).toMatchObject({ stamp: 's3', ok: false, message: 'gone' });
    expect(v!.lastRestoreTest).toBeNull();
  });
});
