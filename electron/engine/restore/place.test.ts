import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import type { ManifestEntry } from '../format/manifest';
import type { ContentSource } from './content';
import { ContentMismatch, keepBothName, placeFile, placeSymlink } from './place';

const bytes = Buffer.from('hello restore');
const entry: ManifestEntry = {
  kind: 'f',
  path: 'src/x.txt',
  size: bytes.length,
  mtimeMs: 1_600_000_000_123.5,
  mode: 0o640,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  target: null,
  ino: null,
  ctimeMs: null,
  flags: '',
};
const serve = (b: Buffer): ContentSource => ({ describe: 'test', read: (_e, sink) => sink(b) });

describe('placeFile', () => {
  it('writes, checks, sets mode and mtime, and renames over the real name', async () => {
    const dir = tempDir();
    const final = path.join(dir, 'x.txt');
    fs.writeFileSync(final, 'old');
    expect(await placeFile(dir, final, entry, serve(bytes))).toBe(bytes.length);
    expect(fs.readFileSync(final)).toEqual(bytes);
    const st = fs.statSync(final);
    expect(st.mode & 0o7777).toBe(0o640);
    expect(Math.abs(st.mtimeMs - entry.mtimeMs)).toBeLessThan(0.002);
    expect(fs.readdirSync(dir)).toEqual(['x.txt']);
  });

  it('leaves the existing file and no temporary file when the content does not match', async () => {
    const dir = tempDir();
    const final = path.join(dir, 'x.txt');
    fs.writeFileSync(final, 'old');
    await expect(placeFile(dir, final, entry, serve(Buffer.from('hello restorE')))).rejects.toThrow(
      ContentMismatch,
    );
    await expect(placeFile(dir, final, entry, serve(bytes.subarray(1)))).rejects.toThrow(
      /bytes, the manifest says/,
    );
    const failing: ContentSource = {
      describe: 'test',
      read: async () => {
        throw new Error('pack download failed');
      },
    };
    await expect(placeFile(dir, final, entry, failing)).rejects.toThrow(/pack download failed/);
    expect(fs.readFileSync(final, 'utf8')).toBe('old');
    expect(fs.readdirSync(dir)).toEqual(['x.txt']);
  });
});

describe('placeSymlink', () => {
  it('replaces what is there with the link itself, never following it', () => {
    const dir = tempDir();
    const outside = tempDir();
    fs.symlinkSync(outside, path.join(dir, 'l'));
    placeSymlink(dir, path.join(dir, 'l'), { ...entry, kind: 'l', target: 'elsewhere' });
    expect(fs.readlinkSync(path.join(dir, 'l'))).toBe('elsewhere');
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});

describe('keepBothName', () => {
  it('names the backup before the extension', () => {
    expect(keepBothName('report.pdf', '2026-11-23_020000', 1)).toBe(
      'report (restored 2026-11-23_020000).pdf',
    );
    expect(keepBothName('.bashrc', 'S', 1)).toBe('.bashrc (restored S)');
    expect(keepBothName('Makefile', 'S', 2)).toBe('Makefile (restored S 2)');
    expect(keepBothName('x.verylongextension', 'S', 1)).toBe('x.verylongextension (restored S)');
  });
});
