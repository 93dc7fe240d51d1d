import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLayout, stampsOnDisk } from '../electron/engine/format/layout';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

describe('cairn remove', () => {
  it('previews without --yes, refuses a pinned backup, removes with --yes and keeps the others', () => {
    const root = tempDir();
    const src = path.join(root, 'docs');
    const dest = path.join(root, 'dest');
    const dataDir = path.join(root, 'data');
    writeTree(src, { 'a.txt': 'alpha' });
    expect(cairn(['plan', 'add', 'home', '--dest', dest, '--source', src], { dataDir }).code).toBe(0);
    const stamps: string[] = [];
    for (const content of ['one', 'two', 'three']) {
      writeTree(src, { 'a.txt': content });
      stamps.push(cairnJson<{ stamp: string }>(['backup', 'home'], { dataDir }).value.stamp);
    }
    const layout = planLayout(dest, 'home');
    const ref = `home/${stamps[1]}`;

    const preview = cairn(['remove', ref], { dataDir });
    expect(preview.code).toBe(1);
    expect(preview.stdout).toBe(`Removing ${ref} would free 3 B (1 file no other backup holds).\n`);
    expect(preview.stderr).toContain(`Nothing removed; to remove ${ref}, run again with --yes.`);
    expect(stampsOnDisk(layout)).toEqual(stamps);

    expect(cairn(['pin', ref, '--note', 'keep'], { dataDir }).code).toBe(0);
    const refused = cairn(['remove', ref, '--yes'], { dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot be removed: It is pinned \("keep"\)/);
    expect(cairn(['unpin', ref], { dataDir }).code).toBe(0);

    const done = cairnJson<{ removed: boolean; freedBytes: number }>(['remove', ref, '--yes'], {
      dataDir,
    });
    expect(done.code).toBe(0);
    expect(done.value).toMatchObject({ removed: true, freedBytes: 3 });
    expect(stampsOnDisk(layout)).toEqual([stamps[0], stamps[2]]);
    expect(fs.readFileSync(path.join(layout.backupDir(stamps[0]!), 'docs/a.txt'), 'utf8')).toBe('one');
    expect(diffTrees(src, path.join(layout.backupDir(stamps[2]!), 'docs'))).toEqual([]);
    const list = cairnJson<{ stamp: string }[]>(['list', 'home'], { dataDir }).value.map((b) => b.stamp);
    expect(list).toEqual([stamps[2], stamps[0]]);
    // `cairn backup PLAN` still backs up.
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);
  });
});
