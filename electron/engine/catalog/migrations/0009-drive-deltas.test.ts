import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { migrate } from '../migrate';
import { migration0009 } from './0009-drive-deltas';

describe('migration 0009 (drive deltas)', () => {
  it('gives each backup on Drive a parent for its manifest and its map; existing ones are full', () => {
    const db = new Database(path.join(tempDir(), 'c.sqlite'));
    expect(migrate(db, migration0009.version - 1)).toBe(migration0009.version - 1);
    db.prepare("INSERT INTO plans (name, dest, created_at, updated_at) VALUES ('home', '/b', 1, 1)").run();
    db.prepare(
      `INSERT INTO drive_manifests (plan_id, stamp, file_id, name, md5, map_file_id, map_name, map_md5, files, bytes,
         started_at, uploaded_at) VALUES (1, 's', 'f', 'n', 'm', 'mf', 'mn', 'mm', 1, 1, 1, 1)`,
    ).run();
    expect(migrate(db, migration0009.version)).toBe(migration0009.version);
    expect(db.prepare('SELECT manifest_parent, map_parent FROM drive_manifests').get()).toEqual({
      manifest_parent: null,
      map_parent: null,
    });
    db.close();
  });
});
