// Restores run on worker threads (files of one folder on one thread): what that must not change.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LanePool } from '../electron/engine/backup/lanePool';
import { parseStamp } from '../electron/engine/format/stamp';
import { restoreBackup } from '../electron/engine/restore/restore';
import { planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

const now = () => Date.now();

/** Every file name under a folder, at any depth. */
function names(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((n) => path.basename(n));
}

describe('restore on worker threads', () => {
  it('gives back every mode and every byte exactly, whatever the umask lets a new file have', async () => {
    const k = planKit();
    const modes = [0o644, 0o600, 0o666, 0o755, 0o777, 0o400, 0o444, 0o700, 0o4755, 0o2755, 0o1644, 0o000];
    for (const m of modes)
      writeTree(k.source, { [`m${m.toString(8)}.bin`]: { mode: m, content: randomBytes(100) } });
    // Files read in several pieces: one not a whole number of MiB, one exactly 2 MiB.
    writeTree(k.source, {
      'empty.txt': '',
      'big.bin': randomBytes(3.5 * 2 ** 20),
      'two.bin': randomBytes(2 ** 21),
    });
    const b = await k.backup();
    const old = process.umask(0o027);
    try {
      const to = path.join(tempDir(), 'out');
      const s = await restoreBackup({ db: k.db, plan: k.plan(), backup: b, to, now, actor: 'test' });
      expect(s.failures).toEqual([]);
      expect(s.verified).toBe(modes.length + 3);
      expect(diffTrees(k.source, path.join(to, k.label), { mode: true, mtime: true })).toEqual([]);
    } finally {
      process.umask(old);
    }
  });

  it('writes the later file beside the kept copy when their names meet', async () => {
    const k = planKit();
    writeTree(k.source, { a: 'version of a' });
    const first = await k.backup();
    // The next backup's stamp is not known before it runs: name the file after a stamp chosen now and
    // run the backup at that moment.
    const stamp = '2031-05-06_070809';
    const at = parseStamp(stamp);
    writeTree(k.source, {
      [`a (restored ${stamp})`]: 'a file really named so',
      // Sorted the other way round: "x (restored …).txt" comes before "x.txt" and is written first.
      [`x (restored ${stamp}).txt`]: 'x, really named so',
      'x.txt': 'version of x',
    });
    const b = await k.backup({ at });
    expect([first.stamp === stamp, b.stamp]).toEqual([false, stamp]);
    const to = path.join(tempDir(), 'out');
    const dir = path.join(to, k.label);
    writeTree(dir, { a: 'what the user has now', 'x.txt': 'the x the user has now' });
    const s = await restoreBackup({ db: k.db, plan: k.plan(), backup: b, to, now, actor: 'test' });
    expect(s.failures).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('what the user has now');
    expect(fs.readFileSync(path.join(dir, `a (restored ${stamp})`), 'utf8')).toBe('version of a');
    expect(fs.readFileSync(path.join(dir, `a (restored ${stamp}) (restored ${stamp})`), 'utf8')).toBe(
      'a file really named so',
    );
    expect(fs.readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('the x the user has now');
    expect(fs.readFileSync(path.join(dir, `x (restored ${stamp}).txt`), 'utf8')).toBe('x, really named so');
    expect(fs.readFileSync(path.join(dir, `x (restored ${stamp} 2).txt`), 'utf8')).toBe('version of x');
    expect([s.written, s.keptBoth]).toEqual([1, 3]);
  });

  it('restores every kind of name alike, whether a file goes as its manifest line or parsed', async () => {
    const k = planKit();
    const spec: Record<string, string | Buffer> = {};
    // Names the line path takes, names it leaves to the general path (escaped, short, dotted), and a
    // folder's files before and after its subfolder's.
    const odd = [
      'a',
      'ab',
      '.x',
      '..y',
      'z..',
      '...',
      'tab\there',
      'back\\slash',
      'new\nline',
      'cr\rx',
      'ünï cødé',
    ];
    for (const n of odd) {
      spec[`top/${n}`] = `top ${n}`;
      spec[`top/${n}.d/inner.txt`] = `inside ${n}`;
    }
    for (let i = 0; i < 300; i++) spec[`deep/m/f${i}.txt`] = randomBytes(i * 7);
    Object.assign(spec, { 'deep/a.txt': 'before m', 'deep/m/n/o/p.txt': 'deepest', 'deep/z.txt': 'after m' });
    writeTree(k.source, spec);
    writeTree(k.source, { 'root file.txt': 'at the top' });
    const b = await k.backup();
    const to = path.join(tempDir(), 'out');
    const s = await restoreBackup({ db: k.db, plan: k.plan(), backup: b, to, now, actor: 'test' });
    expect(s.failures).toEqual([]);
    const files = Object.keys(spec).length + 1;
    const bytes = Object.values(spec).reduce((t, v) => t + Buffer.byteLength(v), 0) + 'at the top'.length;
    expect([s.written, s.verified, s.writtenBytes]).toEqual([files, files, bytes]);
    expect(diffTrees(k.source, path.join(to, k.label), { mode: true, mtime: true })).toEqual([]);
  });

  it('names the files of a folder that did not land, and restores the rest of it', async () => {
    const k = planKit();
    const spec: Record<string, Buffer> = {};
    for (let i = 0; i < 200; i++) spec[`d/f${String(i).padStart(3, '0')}`] = randomBytes(1000 + i);
    spec['e/inside.txt'] = Buffer.from('read through a symlink?');
    writeTree(k.source, spec);
    const b = await k.backup();
    const inBackup = path.join(k.dest, 'home', b.stamp, k.label);
    const outside = tempDir('cairn-outside-');
    fs.writeFileSync(path.join(outside, 'inside.txt'), 'read through a symlink?');
    fs.rmSync(path.join(inBackup, 'd/f010'));
    fs.writeFileSync(path.join(inBackup, 'd/f020'), randomBytes(1020));
    fs.rmSync(path.join(inBackup, 'd/f030'));
    fs.symlinkSync(path.join(outside, 'inside.txt'), path.join(inBackup, 'd/f030'));
    fs.rmSync(path.join(inBackup, 'e'), { recursive: true });
    fs.symlinkSync(outside, path.join(inBackup, 'e'));
    const to = path.join(tempDir(), 'out');
    const s = await restoreBackup({ db: k.db, plan: k.plan(), backup: b, to, now, actor: 'test' });
    const why = Object.fromEntries(s.failures.map((f) => [f.path, f.message]));
    expect(Object.keys(why).sort()).toEqual(
      ['d/f010', 'd/f020', 'd/f030', 'e/inside.txt'].map((p) => `${k.label}/${p}`),
    );
    expect(why[`${k.label}/d/f010`]).toMatch(/missing from the backup folder/);
    expect(why[`${k.label}/d/f020`]).toMatch(/does not match its SHA-256/);
    expect(why[`${k.label}/d/f030`]).toMatch(/symlink in the backup folder/);
    expect(why[`${k.label}/e/inside.txt`]).toMatch(/symlink/);
    expect([s.written, s.failed]).toEqual([197, 4]);
    const dir = path.join(to, k.label);
    expect(fs.readdirSync(path.join(dir, 'd')).length).toBe(197);
    expect(fs.readdirSync(path.join(dir, 'e'))).toEqual([]);
    for (const [rel, content] of Object.entries(spec))
      if (fs.existsSync(path.join(dir, rel)))
        expect(fs.readFileSync(path.join(dir, rel)).equals(content)).toBe(true);
  });

  it.each([
    ['in folders it made (files sent as manifest lines)', 'lines'],
    ['on the general path (a sampled restore)', 'sampled'],
  ])('stopped part-way %s, leaves no temporary file and only whole, correct files', async (_, how) => {
    const k = planKit();
    const spec: Record<string, Buffer> = {};
    for (let d = 0; d < 20; d++) for (let i = 0; i < 300; i++) spec[`d${d}/f${i}`] = randomBytes(2000 + i);
    writeTree(k.source, spec);
    const b = await k.backup();
    const to = path.join(tempDir(), 'out');
    const dir = path.join(to, k.label);
    const ac = new AbortController();
    const stop = () => ac.abort(new Error('stopped by the test'));
    // Lines: stopped once the first folder has files, well under way and far from done. Sampled: stopped
    // after 1,500 files were looked at.
    let seen = 0;
    const keepFile =
      how === 'sampled'
        ? () => {
            if (++seen === 1500) stop();
            return true;
          }
        : undefined;
    const poll =
      how === 'lines'
        ? setInterval(() => {
            if (fs.existsSync(path.join(dir, 'd0')) && fs.readdirSync(path.join(dir, 'd0')).length >= 10)
              stop();
          }, 1)
        : undefined;
    try {
      const run = restoreBackup({
        db: k.db,
        plan: k.plan(),
        backup: b,
        to,
        now,
        actor: 'test',
        signal: ac.signal,
        keepFile,
      });
      await expect(run).rejects.toThrow('stopped by the test');
    } finally {
      clearInterval(poll);
    }
    expect(names(dir).filter((n) => n.startsWith('.cairn-restore-'))).toEqual([]);
    const files = fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((n) => fs.statSync(path.join(dir, n)).isFile());
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThan(6000);
    for (const f of files) expect(fs.readFileSync(path.join(dir, f)).equals(spec[f]!)).toBe(true);
  });
});

describe('LanePool', () => {
  let pool: LanePool<{ n: number; fail?: boolean }, { n: number; thread: number }> | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });
  // A worker for the test that calls the real serveLanes, loaded from its TypeScript source through tsx.
  const source = path.join(tempDir('cairn-lanes-'), 'worker.cjs');
  fs.writeFileSync(
    source,
    String.raw`
require(${JSON.stringify(createRequire(__filename).resolve('tsx/cjs/api'))}).register();
const { threadId } = require('node:worker_threads');
const { serveLanes } = require(${JSON.stringify(path.resolve(__dirname, '../electron/engine/backup/laneWorker.ts'))});
serveLanes((j) => {
  if (j.fail) throw new Error('job ' + j.n + ' failed');
  const until = Date.now() + 2;
  while (Date.now() < until);
  return { n: j.n, thread: threadId };
});`,
  );

  it('runs a lane on one thread at a time, and other lanes beside it', async () => {
    pool = new LanePool(source, 2, 4);
    const jobs = (lane: string, from: number) =>
      Array.from({ length: 40 }, (_, i) => pool!.run({ n: from + i }, lane));
    const [a, b] = await Promise.all([Promise.all(jobs('a', 0)), Promise.all(jobs('b', 100))]);
    expect(new Set(a.map((r) => r.thread)).size).toBe(1);
    expect(new Set(b.map((r) => r.thread)).size).toBe(1);
    expect(a[0]!.thread).not.toBe(b[0]!.thread);
    expect(a.map((r) => r.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(pool.pending).toBe(0);
  });

  it('rejects a job that throws with its message, and the jobs still queued when closed', async () => {
    pool = new LanePool(source, 1, 2);
    await expect(pool.run({ n: 7, fail: true }, 'x')).rejects.toThrow('job 7 failed');
    expect((await pool.run({ n: 8 }, 'x')).n).toBe(8);
    const queued = Array.from({ length: 20 }, (_, i) => pool!.run({ n: i }, 'y'));
    const closing = pool.close();
    const settled = await Promise.allSettled(queued);
    await closing;
    expect(settled.some((r) => r.status === 'rejected')).toBe(true);
    await expect(pool.run({ n: 1 }, 'z')).rejects.toThrow('closed');
    pool = null;
  });
});
