import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';
import { migration0010 } from './0010-changes-index';

describe('migration 0010 (changes index)', () => {
  it('indexes file versions by the backup that started them; a range of backups is read through it', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    expect(migrate(db, migration0010.version - 1)).toBe(migration0010.version - 1);
    db.prepare("INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1)").run();
    db.prepare(
      `INSERT INTO file_versions (plan_id, parent, name, kind, size, mtime_ms, mode, first_backup)
       VALUES (1, 'src', 'a', 'f', 1, 1, 420, 3)`,
    ).run();
    expect(migrate(db, migration0010.version)).toBe(migration0010.version);
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT name FROM file_versions WHERE plan_id = 1 AND first_backup > 2 AND first_backup <= 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('file_versions_first');
    expect(
      db.prepare('SELECT name FROM file_versions WHERE plan_id = 1 AND first_backup > 2').pluck().all(),
    ).toEqual(['a']);
    db.close();
  });
});
