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
