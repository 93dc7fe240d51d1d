import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import {
  comparePaths,
  escapeField,
  formatEntry,
  ManifestReader,
  ManifestWriter,
  parseEntry,
  unescapeField,
  type ManifestEntry,
} from './manifest';

const entry = (p: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  kind: 'f',
  path: p,
  size: 3,
  mtimeMs: 1700000000123.25,
  mode: 0o644,
  sha256: 'a'.repeat(64),
  target: null,
  ino: '2049:77',
  ctimeMs: 1700000000999.5,
  flags: '',
  ...extra,
});

describe('manifest format', () => {
  it('escapes tabs, newlines and backslashes in names and reads them back', () => {
    for (const s of [
      'plain',
      'tab\there',
      'new\nline',
      'back\\slash',
      '\\t literal',
      'cr\r',
      'ünï cödé 📁',
    ]) {
      expect(unescapeField(escapeField(s))).toBe(s);
      expect(escapeField(s)).not.toMatch(/[\t\n]/);
    }
  });

  it('round-trips an entry through one line, symlinks included', () => {
    const e = entry('src/a\tb/c', { kind: 'l', sha256: null, target: '../x\ny', flags: '' });
    expect(parseEntry(formatEntry(e))).toEqual(e);
    const f = entry('src/db.sqlite', { flags: 's' });
    expect(parseEntry(formatEntry(f))).toEqual(f);
  });

  it('orders paths as a sorted depth-first walk does', () => {
    const walk = ['a', 'a/b', 'a/b/c', 'a.txt', 'a0', 'b'];
    const shuffled = [...walk].reverse();
    expect(shuffled.sort(comparePaths)).toEqual(walk);
    expect(comparePaths('a/b', 'a.txt')).toBeLessThan(0);
    expect(['a.txt', 'a/b'].sort()).toEqual(['a.txt', 'a/b']); // plain string order would be wrong
  });

  it('writes a gzipped manifest that streams back with its header and footer', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.tsv.gz');
    const w = new ManifestWriter(file, {
      version: 1,
      plan: 'docs',
      stamp: '2026-01-02_030405',
      startedAt: 42,
      sources: [{ label: 'src', path: '/home/u/src' }],
    });
    const entries = Array.from({ length: 20000 }, (_, i) => entry(`src/f${String(i).padStart(6, '0')}`));
    for (const e of entries) await w.add(e);
    const footer = await w.finish();
    expect(footer).toEqual({ entries: 20000, files: 20000, bytes: 60000 });
    expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));

    const r = await ManifestReader.open(file);
    expect(r.header).toMatchObject({ plan: 'docs', stamp: '2026-01-02_030405', startedAt: 42 });
    expect(r.header.sources).toEqual([{ label: 'src', path: '/home/u/src' }]);
    const got: ManifestEntry[] = [];
    await r.readAll((e) => got.push(e));
    expect(got).toEqual(entries);
    expect(r.footer).toEqual(footer);
  });

  it('refuses a manifest cut short', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.tsv.gz');
    const w = new ManifestWriter(file, { version: 1, plan: 'p', stamp: 's', startedAt: 0, sources: [] });
    for (let i = 0; i < 10; i++) await w.add(entry(`x/${i}`));
    await w.finish();
    // Rewrite without the footer line.
    const zlib = await import('node:zlib');
    const text = zlib
      .gunzipSync(fs.readFileSync(file))
      .toString()
      .replace(/#end.*\n$/, '');
    fs.writeFileSync(file, zlib.gzipSync(text));
    const r = await ManifestReader.open(file);
    await expect(r.readAll()).rejects.toThrow(/incomplete/);
  });
});

describe('manifest reader on a missing file', () => {
  it('rejects instead of crashing the process', async () => {
    await expect(ManifestReader.open(path.join(tempDir(), 'nope.tsv.gz'))).rejects.toThrow(/ENOENT/);
  });
});
