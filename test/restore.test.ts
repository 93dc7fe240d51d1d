import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups } from '../electron/engine/catalog/backups';
import { restoreBackup } from '../electron/engine/restore/restore';
import { copyTree, planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

// 20,000+ files written five times over: on tmpfs when there is one, so the shared disk of a busy CI machine
// does not decide the test's time (the engine is the same on any file system; `npm run bench` measures disks).
if (fs.existsSync('/dev/shm') && fs.statfsSync('/dev/shm').bavail * fs.statfsSync('/dev/shm').bsize > 2 ** 31)
  process.env.TMPDIR = '/dev/shm';

function countFiles(dir: string): { files: number; links: number } {
  const r = { files: 0, links: 0 };
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isSymbolicLink()) r.links++;
      else if (e.isFile()) r.files++;
    }
  };
  walk(dir);
  return r;
}

describe('restore round trip on real data', () => {
  it('restores >= 20,000 files from /usr/share exactly, and the middle of three backups', async () => {
    const work = tempDir('cairn-rt-');
    const source = path.join(work, 'share');
    fs.mkdirSync(source);
    for (const d of ['man']) copyTree(`/usr/share/${d}`, path.join(source, d));
    const n = countFiles(source);
    expect(n.files).toBeGreaterThanOrEqual(20_000);
    expect(n.links).toBeGreaterThan(100);
    const k = planKit({ source });
    const { db } = k;

    const b1 = await k.backup();
    let t = Date.now();
    const out1 = path.join(work, 'out1');
    const s1 = await restoreBackup({
      db,
      plan: k.plan(),
      backup: b1,
      to: out1,
      now: () => Date.now(),
      actor: 'test',
    });
    const restoreMs = Date.now() - t;
    expect(s1.failures).toEqual([]);
    expect(s1.written).toBe(b1.files);
    expect(s1.verified).toBe(b1.files);
    expect(s1.symlinks).toBe(b1.symlinks);
    expect(diffTrees(source, path.join(out1, 'share'), { mode: true, mtime: true })).toEqual([]);
    const diff = spawnSync('diff', ['-r', '--no-dereference', source, path.join(out1, 'share')], {
      encoding: 'utf8',
    });
    expect(diff.stdout + diff.stderr).toBe('');
    expect(diff.status).toBe(0);
    console.log(`restore of ${b1.files} files (${b1.bytes} bytes): ${restoreMs} ms`);

    // Three backups with changes between them; the middle one comes back exactly.
    const man1 = path.join(source, 'man', 'man1');
    const names = fs
      .readdirSync(man1)
      .filter((f) => f.endsWith('.gz'))
      .slice(0, 40);
    for (const f of names.slice(0, 10)) fs.appendFileSync(path.join(man1, f), 'changed');
    for (const f of names.slice(10, 20)) fs.rmSync(path.join(man1, f));
    for (const f of names.slice(20, 25)) fs.chmodSync(path.join(man1, f), 0o600);
    writeTree(source, { 'new/dir/a.txt': 'new file a', 'new/b.txt': 'b', 'new/link': { symlink: '../man' } });
    const expected2 = path.join(work, 'expected2');
    copyTree(source, expected2);
    const b2 = await k.backup();
    for (const f of names.slice(25, 40)) fs.writeFileSync(path.join(man1, f), 'third');
    fs.rmSync(path.join(source, 'new'), { recursive: true });
    const b3 = await k.backup();
    expect(listBackups(db, { planId: k.plan().id }).map((b) => b.id)).toEqual([b3.id, b2.id, b1.id]);
    t = Date.now();
    const out2 = path.join(work, 'out2');
    const s2 = await restoreBackup({
      db,
      plan: k.plan(),
      backup: b2,
      to: out2,
      now: () => Date.now(),
      actor: 'test',
    });
    expect(s2.failures).toEqual([]);
    expect(diffTrees(expected2, path.join(out2, 'share'), { mode: true, mtime: true })).toEqual([]);
    console.log(`restore of the middle backup: ${Date.now() - t} ms`);
  });
});

describe('restore into an existing folder', () => {
  it('keeps both by default, overwrites when told, skips what is already there, and dry-runs', async () => {
    const k = planKit();
    writeTree(k.source, {
      'a.txt': 'alpha',
      'b.txt': 'bravo',
      'sub/c.txt': 'charlie',
      'sub/l': { symlink: 'c.txt' },
    });
    const b = await k.backup();
    const to = tempDir('cairn-to-');
    writeTree(to, {
      [`${k.label}/a.txt`]: 'alpha',
      [`${k.label}/b.txt`]: 'mine, not the backup',
      [`${k.label}/sub/l`]: { symlink: 'elsewhere' },
    });
    const base = { db: k.db, plan: k.plan(), backup: b, to, now: () => Date.now(), actor: 'test' };

    const dry = await restoreBackup({ ...base, dryRun: true });
    expect([dry.written, dry.keptBoth, dry.skipped, dry.overwritten]).toEqual([1, 1, 1, 0]);
    expect(dry.writtenBytes).toBe(7);
    expect(fs.existsSync(path.join(to, k.label, 'sub', 'c.txt'))).toBe(false);

    const s = await restoreBackup(base);
    expect(s.failures).toEqual([]);
    expect([s.written, s.keptBoth, s.skipped]).toEqual([1, 1, 1]);
    const dir = path.join(to, k.label);
    expect(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('mine, not the backup');
    expect(fs.readFileSync(path.join(dir, `b (restored ${b.stamp}).txt`), 'utf8')).toBe('bravo');
    expect(fs.readlinkSync(path.join(dir, 'sub', 'l'))).toBe('elsewhere');
    expect(fs.readlinkSync(path.join(dir, 'sub', `l (restored ${b.stamp})`))).toBe('c.txt');

    const again = await restoreBackup(base);
    expect([again.written, again.keptBoth, again.skipped]).toEqual([0, 0, 3]);

    const over = await restoreBackup({ ...base, overwrite: true });
    expect(over.overwritten).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('bravo');
    expect(fs.readlinkSync(path.join(dir, 'sub', 'l'))).toBe('c.txt');
  });

  it('restores chosen paths only, and names a path the backup does not have', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a', 'docs/x.txt': 'x', 'docs/deep/y.txt': 'y', 'other/z.txt': 'z' });
    const b = await k.backup();
    const to = tempDir('cairn-to-');
    const base = { db: k.db, plan: k.plan(), backup: b, to, now: () => Date.now(), actor: 'test' };
    const s = await restoreBackup({ ...base, paths: [`${k.label}/docs/deep`, `${k.label}/a.txt`] });
    expect(s.written).toBe(2);
    expect(fs.readFileSync(path.join(to, k.label, 'docs/deep/y.txt'), 'utf8')).toBe('y');
    expect(fs.existsSync(path.join(to, k.label, 'docs/x.txt'))).toBe(false);
    expect(fs.existsSync(path.join(to, k.label, 'other'))).toBe(false);
    await expect(restoreBackup({ ...base, paths: [`${k.label}/nope`] })).rejects.toThrow(
      /has no "src\/nope"/,
    );
    // Backups are never changed: no restoring into the plan's backup folder.
    const inside = path.join(k.dest, 'home', b.stamp);
    await expect(restoreBackup({ ...base, to: inside })).rejects.toThrow(/inside the backups of this plan/);
    await expect(restoreBackup({ ...base, to: path.join(k.dest, 'home') })).rejects.toThrow(
      /inside the backups/,
    );
    expect(fs.readdirSync(inside)).toEqual(['src']);
  });
});
