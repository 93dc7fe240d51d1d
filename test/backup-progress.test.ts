// A backup's progress as the engine tells it: bytes done inside a large file while it copies, a total that
// is never below what is done, and the sources' count.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupProgress } from '../electron/engine/backup/run';
import { SourceCounter } from '../electron/engine/backup/count';
import { excludeMatcher } from '../electron/engine/format/excludes';
import { makeRig } from './helpers/engine';
import { writeTree } from './helpers/tree';

const MB = 1 << 20;

function invariants(seen: BackupProgress[]): void {
  for (const p of seen) {
    expect(p.totalBytes).toBeGreaterThanOrEqual(p.bytes);
    expect(p.totalFiles).toBeGreaterThanOrEqual(p.files);
  }
  for (let i = 1; i < seen.length; i++)
    expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
}

describe('backup progress', () => {
  it('tells the bytes copied inside one large file while it copies, on a timer', async () => {
    const rig = makeRig();
    const size = 128 * MB;
    fs.writeFileSync(path.join(rig.src, 'big.bin'), Buffer.alloc(size, 7));
    const seen: BackupProgress[] = [];
    await rig.backup({ progressEveryMs: 5, onProgress: (p) => seen.push(p) });
    invariants(seen);
    // The walk saw the one file at once; the copy then took many ticks, each with the bytes written so far.
    const inside = seen.filter((p) => p.bytesDone > 0 && p.bytesDone < size);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.every((p) => p.counted && p.totalBytes === size)).toBe(true);
    expect(seen.at(-1)!.bytesDone).toBe(size);
  });

  it('a run with many files to copy keeps its totals at or above what is done, and exact at the end', async () => {
    const rig = makeRig();
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) files[`d${i % 20}/f${i}.txt`] = 'x'.repeat(i % 500);
    writeTree(rig.src, files);
    const seen: BackupProgress[] = [];
    const out = await rig.backup({ progressEveryMs: 10, onProgress: (p) => seen.push(p) });
    invariants(seen);
    const last = seen.at(-1)!;
    expect(last.counted).toBe(true);
    expect(last.totalFiles).toBe(out.backup.files);
    expect(last.totalBytes).toBe(out.backup.bytes);
    expect(last.bytesDone).toBe(out.backup.bytes);
    // A total said to be counted is the whole tree, not a guess.
    for (const p of seen.filter((x) => x.counted)) expect(p.totalFiles).toBe(2000);
    // The walk waits for copies here, so the count runs beside it and ends long before the walk does.
    expect(seen.some((x) => x.counted && x.files < 2000)).toBe(true);
  });

  it('counts the files and bytes of the sources as the walk sees them, excludes applied', async () => {
    const rig = makeRig();
    writeTree(rig.src, {
      'a.txt': 'aaa',
      'sub/b.txt': 'bb',
      'cache/x': 'xxxxxxxx',
      link: { symlink: 'a.txt' },
    });
    const c = new SourceCounter([{ label: 'src', path: rig.src, matcher: excludeMatcher(['cache/']) }]);
    const end = Date.now() + 5000;
    while (!c.done && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(c).toMatchObject({ done: true, files: 2, bytes: 5 });
  });
});
