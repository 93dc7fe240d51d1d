import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../test/helpers/engine';
import { writeTree } from '../../../test/helpers/tree';
import { applyChanges, iterateBackup } from './versions';

let rig: Rig | null = null;
afterEach(() => {
  rig?.db.close();
  rig = null;
});

const versionsOf = (r: Rig, rel: string) =>
  r.db
    .prepare(
      'SELECT first_backup AS first, last_backup AS last, size FROM file_versions WHERE parent = ? AND name = ? ORDER BY id',
    )
    .all(path.dirname(`src/${rel}`), path.basename(rel));

describe("a backup's changes in the catalog (staged, then recorded with the backup)", () => {
  it('ends removed and changed files at the previous backup and starts the new versions, past one page of removals', async () => {
    const r = (rig = makeRig());
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) files[`many/f${i}.txt`] = `file ${i}`;
    writeTree(r.src, { ...files, 'kept.txt': 'same', 'changed.txt': 'old' });
    const one = (await r.backup()).backup;
    fs.rmSync(path.join(r.src, 'many'), { recursive: true });
    writeTree(r.src, { 'changed.txt': 'new and longer', 'added.txt': 'hello' });
    const two = (await r.backup()).backup;

    expect(versionsOf(r, 'many/f999.txt')).toEqual([{ first: one.id, last: one.id, size: 8 }]); // on the second page
    expect(versionsOf(r, 'changed.txt')).toEqual([
      { first: one.id, last: one.id, size: 3 },
      { first: two.id, last: null, size: 14 },
    ]);
    expect(versionsOf(r, 'kept.txt')).toEqual([{ first: one.id, last: null, size: 4 }]);
    expect(versionsOf(r, 'added.txt')).toEqual([{ first: two.id, last: null, size: 5 }]);
    const inTwo = [...iterateBackup(r.db, r.plan.id, two.id)].map((e) => e.path).sort();
    expect(inTwo).toEqual(['src', 'src/added.txt', 'src/changed.txt', 'src/kept.txt']);
    // The staging tables are gone with the runs.
    expect(r.db.prepare('SELECT name FROM sqlite_temp_master').all()).toEqual([]);
  });

  it('leaves no staging table behind when a changes file cannot be read', () => {
    const r = (rig = makeRig());
    const file = path.join(r.root, 'changes.tsv');
    fs.writeFileSync(file, '-src/gone.txt\nnot a change line\n');
    expect(() => r.db.transaction(() => applyChanges(r.db, r.plan.id, 1, null, file))()).toThrow(
      /malformed changes line/,
    );
    expect(r.db.prepare('SELECT name FROM sqlite_temp_master').all()).toEqual([]);
  });
});
