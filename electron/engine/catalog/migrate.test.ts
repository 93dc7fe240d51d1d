import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { openCatalog } from './db';
import { migrate, migrations } from './migrate';

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('catalog migrations', () => {
  it('are numbered 1, 2, 3... without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('0001 creates the catalog from an empty file', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    expect(migrate(db, 1)).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(
      expect.arrayContaining([
        'activity',
        'backup_warnings',
        'backups',
        'excludes',
        'file_versions',
        'plans',
        'settings',
        'sources',
      ]),
    );
    // Applying again changes nothing.
    expect(migrate(db)).toBe(migrations.at(-1)!.version);
    db.close();
  });

  it('0005 escapes names in file versions as manifests do (so bytes that are not UTF-8 fit)', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    migrate(db, 4);
    db.prepare(`INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('p', '/d', 0, 0)`).run();
    const ins = db.prepare(
      `INSERT INTO file_versions (plan_id, parent, name, kind, size, mtime_ms, mode, target, first_backup)
       VALUES (1, ?, ?, 'l', 0, 0, 0, ?, 1)`,
    );
    ins.run('src/back\\slash', 'tab\there\nnew\r', 'to\\it');
    ins.run('src', 'plain', null);
    expect(migrate(db, 5)).toBe(5);
    expect(db.prepare('SELECT parent, name, target FROM file_versions ORDER BY id').raw().all()).toEqual([
      ['src/back\\\\slash', 'tab\\there\\nnew\\r', 'to\\\\it'],
      ['src', 'plain', null],
    ]);
    db.close();
  });

  it('opens in WAL mode with foreign keys on', () => {
    const db = openCatalog(tempDir());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a catalog written by a newer Cairn instead of damaging it', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'catalog.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    expect(() => openCatalog(dir)).toThrow(/newer Cairn/);
  });
});
