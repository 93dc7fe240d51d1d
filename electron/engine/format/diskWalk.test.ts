import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { comparePaths } from './manifest';
import { walkSorted } from './diskWalk';

describe('walkSorted', () => {
  it('lists a folder in manifest order (comparePaths), symlinks not followed', () => {
    const root = tempDir();
    for (const d of ['a/b', 'a-b', 'a.d/x', 'B', 'é']) fs.mkdirSync(path.join(root, d), { recursive: true });
    for (const f of ['a.txt', 'a/b/c', 'a/b.txt', 'a-b/z', 'Z', 'é/1'])
      fs.writeFileSync(path.join(root, f), f);
    fs.symlinkSync('/', path.join(root, 'a/link'));
    const got = [...walkSorted(root, (rel, e) => expect.fail(`${rel}: ${String(e)}`))].map((i) => i.rel);
    expect(got).toEqual([...got].sort(comparePaths));
    expect(got).toContain('a/link');
    expect(got.filter((p) => p.startsWith('a/link/'))).toEqual([]);
    expect(got).toHaveLength(14);
  });
});
