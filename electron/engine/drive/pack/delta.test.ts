import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { comparePaths, formatEntry, type ManifestEntry } from '../../format/manifest';
import { applyManifestDelta, deltaParent, rebuildMap, writeManifestDelta, writeMapDelta } from './delta';

const sha = (n: number) => n.toString(16).padStart(64, '0');

function entry(p: string, n: number, kind: 'f' | 'd' = 'f'): ManifestEntry {
  return {
    kind,
    path: p,
    size: kind === 'f' ? n : 0,
    mtimeMs: 1000 + n,
    mode: kind === 'f' ? 0o644 : 0o755,
    sha256: kind === 'f' ? sha(n) : null,
    target: null,
    ino: null,
    ctimeMs: null,
    flags: '',
  };
}

function manifest(file: string, stamp: string, entries: ManifestEntry[]): string[] {
  const sorted = [...entries].sort((a, b) => comparePaths(a.path, b.path));
  const lines = [
    '#cairn-manifest\t1',
    '#plan\thome',
    `#stamp\t${stamp}`,
    '#started\t5',
    '#source\tsrc\t/home/u',
    ...sorted.map(formatEntry),
    `#end\t${sorted.length}\t${sorted.filter((e) => e.kind === 'f').length}\t0`,
  ];
  fs.writeFileSync(file, zlib.gzipSync(lines.join('\n') + '\n'));
  return lines;
}

const text = (file: string) => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trimEnd().split('\n');
const gz = (file: string, lines: string[]) => fs.writeFileSync(file, zlib.gzipSync(lines.join('\n') + '\n'));

describe('manifest deltas', () => {
  it('hold only what changed and rebuild the child line for line (adds, changes, removes, renames, odd names)', async () => {
    const dir = tempDir();
    const parent = [
      entry('src', 0, 'd'),
      entry('src/a', 1),
      entry('src/a b\tc', 2),
      entry('src/dir', 0, 'd'),
      entry('src/dir/x', 3),
      entry('src/dir.txt', 4),
      entry('src/gone', 5),
      entry('src/old-name', 6),
      entry('src/z\\y\n', 7),
    ];
    manifest(path.join(dir, 'p.gz'), 'P', parent);
    const child = [
      ...parent.filter((e) => !['src/gone', 'src/old-name', 'src/dir/x'].includes(e.path)),
      entry('src/dir/x', 33), // changed
      entry('src/new-name', 6), // renamed (same content)
      entry('src/added', 8),
      entry('src/dir/y', 9),
    ];
    const want = manifest(path.join(dir, 'c.gz'), 'C', child);
    const d = await writeManifestDelta({
      parentFile: path.join(dir, 'p.gz'),
      childFile: path.join(dir, 'c.gz'),
      parentStamp: 'P',
      out: path.join(dir, 'd.gz'),
      maxLines: 100,
    });
    expect(d!.lines).toBe(6);
    expect([...d!.shas].sort()).toEqual([sha(33), sha(6), sha(8), sha(9)].sort());
    const delta = text(path.join(dir, 'd.gz'));
    expect(delta[0]).toBe('# cairn-delta parent=P');
    expect(delta.filter((l) => l.startsWith('-\t'))).toEqual(['-\tsrc/gone', '-\tsrc/old-name']);
    expect(await deltaParent(path.join(dir, 'd.gz'))).toBe('P');
    expect(await deltaParent(path.join(dir, 'p.gz'))).toBeNull();

    await applyManifestDelta(path.join(dir, 'p.gz'), path.join(dir, 'd.gz'), path.join(dir, 'r.gz'));
    expect(text(path.join(dir, 'r.gz'))).toEqual(want);

    // Too many changes: no delta file.
    const none = await writeManifestDelta({
      parentFile: path.join(dir, 'p.gz'),
      childFile: path.join(dir, 'c.gz'),
      parentStamp: 'P',
      out: path.join(dir, 'd2.gz'),
      maxLines: 3,
    });
    expect(none).toBeNull();
    expect(fs.existsSync(path.join(dir, 'd2.gz'))).toBe(false);
  });

  it('a delta that does not rebuild its manifest is refused', async () => {
    const dir = tempDir();
    manifest(path.join(dir, 'p.gz'), 'P', [entry('a', 1)]);
    gz(path.join(dir, 'd.gz'), [
      '# cairn-delta parent=P',
      '#cairn-manifest\t1',
      formatEntry(entry('b', 2)),
      '#end\t5\t5\t0',
    ]);
    await expect(
      applyManifestDelta(path.join(dir, 'p.gz'), path.join(dir, 'd.gz'), path.join(dir, 'r.gz')),
    ).rejects.toThrow(/entry count differs/);
    expect(fs.existsSync(path.join(dir, 'r.gz'))).toBe(false);
  });

  it('stream a 1,000,000-line manifest with flat memory', async () => {
    const dir = tempDir();
    const n = 1_000_000;
    const write = (file: string, changed: (i: number) => boolean) => {
      const chunks: string[] = ['#cairn-manifest\t1\n#stamp\tS\n'];
      for (let i = 0; i < n; i++) {
        const e = entry(`src/${String(i).padStart(7, '0')}`, changed(i) ? i + n : i);
        chunks.push(formatEntry(e) + '\n');
      }
      chunks.push(`#end\t${n}\t${n}\t0\n`);
      fs.writeFileSync(file, zlib.gzipSync(chunks.join(''), { level: 1 }));
    };
    write(path.join(dir, 'p.gz'), () => false);
    write(path.join(dir, 'c.gz'), (i) => i % 50_000 === 0);
    // What stays reachable while the merge runs (garbage collected at each sample).
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 250);
    const d = await writeManifestDelta({
      parentFile: path.join(dir, 'p.gz'),
      childFile: path.join(dir, 'c.gz'),
      parentStamp: 'P',
      out: path.join(dir, 'd.gz'),
      maxLines: n / 2,
    });
    await applyManifestDelta(path.join(dir, 'p.gz'), path.join(dir, 'd.gz'), path.join(dir, 'r.gz'));
    clearInterval(timer);
    expect(d!.lines).toBe(20);
    expect(
      zlib
        .gunzipSync(fs.readFileSync(path.join(dir, 'r.gz')))
        .equals(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'c.gz')))),
    ).toBe(true);
    // A JS string per line would be well over 100 MB for a million lines.
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  }, 120_000);
});

describe('map deltas', () => {
  it('carry the changed contents; the rebuilt map lays them over the parent and keeps what the manifest names', async () => {
    const dir = tempDir();
    const f = (n: string) => path.join(dir, n);
    // The parent's map: whole contents 1, 2, 3 and content 4 in two pieces.
    gz(f('pm.gz'), [
      `${sha(1)}\tA.tar.gz`,
      `${sha(2)}\tA.tar.gz`,
      `${sha(2)}\tA.tar.gz`,
      `${sha(3)}\tB.tar.gz`,
      `${sha(4)}\tB.tar.gz\t0\t${sha(40)}`,
      `${sha(4)}\tB.tar.gz\t1\t${sha(41)}`,
    ]);
    // The child's full map as a push writes it (a line per file), with a new content 5 and 4's piece 1 moved.
    gz(f('cm.gz'), [
      `${sha(1)}\tA.tar.gz`,
      `${sha(4)}\tB.tar.gz\t0\t${sha(40)}`,
      `${sha(4)}\tC.tar.gz\t1\t${sha(41)}`,
      `${sha(5)}\tC.tar.gz`,
      `${sha(5)}\tC.tar.gz`,
    ]);
    await writeMapDelta({
      mapFile: f('cm.gz'),
      shas: new Set([sha(4), sha(5)]),
      parentStamp: 'P',
      out: f('d.gz'),
    });
    expect(text(f('d.gz'))).toEqual([
      '# cairn-delta parent=P',
      `${sha(4)}\tB.tar.gz\t0\t${sha(40)}`,
      `${sha(4)}\tC.tar.gz\t1\t${sha(41)}`,
      `${sha(5)}\tC.tar.gz`,
    ]);
    manifest(f('c.tsv.gz'), 'C', [entry('a', 1), entry('b', 4), entry('c', 5), entry('d', 5)]);
    expect(await rebuildMap([f('pm.gz'), f('d.gz')], f('c.tsv.gz'), f('r.gz'))).toBe(4);
    expect(text(f('r.gz'))).toEqual([
      `${sha(1)}\tA.tar.gz`,
      `${sha(4)}\tB.tar.gz\t0\t${sha(40)}`,
      `${sha(4)}\tC.tar.gz\t1\t${sha(41)}`,
      `${sha(5)}\tC.tar.gz`,
    ]);
  });
});
