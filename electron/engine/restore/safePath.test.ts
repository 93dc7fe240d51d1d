import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { checkRelPath, parentOf, SafeTree, UnsafePath } from './safePath';

describe('checkRelPath', () => {
  it('accepts plain relative paths and refuses anything that could climb out', () => {
    for (const ok of ['a', 'a/b/c', '.hidden/x', 'a..b', '...']) expect(() => checkRelPath(ok)).not.toThrow();
    for (const bad of ['/etc/passwd', '..', 'a/../b', 'a/./b', 'a//b', 'a/', 'a/\0b', '../x'])
      expect(() => checkRelPath(bad), bad).toThrow(UnsafePath);
  });

  it('finds the parent folder', () => {
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
  });
});

describe('SafeTree', () => {
  it('refuses a symlink or a file on the way, says when a folder is missing, and trusts real folders', () => {
    const root = tempDir();
    const outside = tempDir();
    fs.mkdirSync(path.join(root, 'real/deeper'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'link'));
    fs.symlinkSync(outside, path.join(root, 'real', 'inner'));
    fs.writeFileSync(path.join(root, 'file'), 'x');
    const t = new SafeTree(root);
    expect(t.checkParents('real/deeper/x.txt')).toBe(true);
    expect(t.trusted('real/deeper')).toBe(true);
    expect(() => t.checkParents('link/x.txt')).toThrow(/symlink/);
    expect(() => t.checkParents('real/inner/x.txt')).toThrow(/symlink/);
    expect(() => t.checkParents('file/x.txt')).toThrow(/not a folder/);
    expect(t.checkParents('absent/x.txt')).toBe(false);
    expect(t.checkParents('top.txt')).toBe(true);
    expect(t.abs('a/b')).toBe(`${root}/a/b`);
  });
});
