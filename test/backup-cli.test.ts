import { execFileSync, spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestReader } from '../electron/engine/format/manifest';
import { hashFile } from '../electron/engine/format/hash';
import { cairn, cairnJson, cairnSpawn } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

interface Backup {
  stamp: string;
  status: string;
  files: number;
  newFiles: number;
  linkedFiles: number;
  warnings: number;
  warningList?: { path: string; message: string }[];
}

function setup() {
  const root = tempDir('cairn-cli-');
  const src = path.join(root, 'S');
  const dest = path.join(root, 'D');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(src);
  return { root, src, dest, dataDir };
}

/** Re-hashes every file of a backup folder against its manifest; returns the paths that differ. */
async function damaged(dest: string, plan: string, stamp: string): Promise<string[]> {
  const r = await ManifestReader.open(path.join(dest, plan, '.cairn/manifests', `${stamp}.tsv.gz`));
  const bad: string[] = [];
  const entries: { path: string; sha256: string | null; kind: string }[] = [];
  await r.readAll((e) => entries.push(e));
  for (const e of entries) {
    if (e.kind !== 'f') continue;
    const p = path.join(dest, plan, stamp, e.path);
    try {
      if ((await hashFile(p)).sha256 !== e.sha256) bad.push(e.path);
    } catch {
      bad.push(e.path);
    }
  }
  return bad;
}

function readdirOrEmpty(p: string): string[] {
  try {
    return fs.readdirSync(p);
  } catch {
    return []; // the run may be recreating it
  }
}

describe('cairn CLI: plans and backups', () => {
  it('backs up to D/docs/<stamp>/<label>/ byte-identical to the source (diff -r), then links unchanged files', () => {
    const { src, dest, dataDir } = setup();
    writeTree(src, { 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'sub/link': { symlink: '../a.txt' } });
    const add = cairn(['plan', 'add', 'docs', '--source', src, '--dest', dest], { dataDir });
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('cairn backup docs');
    const first = cairnJson<Backup>(['backup', 'docs'], { dataDir });
    expect(first.code).toBe(0);
    expect(first.value.status).toBe('complete');
    const copy = path.join(dest, 'docs', first.value.stamp, 'S');
    execFileSync('diff', ['-r', '--no-dereference', src, copy]); // throws on any difference
    expect(fs.lstatSync(path.join(copy, 'sub/link')).isSymbolicLink()).toBe(true);
    expect(fs.statSync(path.join(copy, 'a.txt')).mtimeMs).toBeCloseTo(
      fs.statSync(path.join(src, 'a.txt')).mtimeMs,
      2,
    );

    const second = cairnJson<Backup>(['backup', 'docs'], { dataDir });
    expect(second.value.newFiles).toBe(0);
    expect(second.value.linkedFiles).toBe(2);
    const ino = (stamp: string) => fs.statSync(path.join(dest, 'docs', stamp, 'S/sub/b.txt')).ino;
    expect(ino(second.value.stamp)).toBe(ino(first.value.stamp));

    const list = cairnJson<Backup[]>(['list', 'docs'], { dataDir });
    expect(list.value.map((b) => b.stamp)).toEqual([second.value.stamp, first.value.stamp]);
    const text = cairn(['list'], { dataDir });
    expect(text.stdout).toContain(`docs/${first.value.stamp}`);
    const show = cairnJson<{ entries: { name: string }[] }>(['show', 'latest', '--path', 'S/sub'], {
      dataDir,
    });
    expect(show.value.entries.map((e) => e.name)).toEqual(['b.txt', 'link']);
  });

  it('manages plans: list, show (with the default excludes), edit, remove; --help everywhere', () => {
    const { src, dest, dataDir } = setup();
    expect(
      cairn(
        ['plan', 'add', 'p1', '--source', src, '--dest', dest, '--exclude', '*.iso', '--keep-daily', '3'],
        { dataDir },
      ).code,
    ).toBe(0);
    const shown = cairn(['plan', 'show', 'p1'], { dataDir });
    expect(shown.stdout).toContain('node_modules/');
    expect(shown.stdout).toContain('*.iso');
    expect(shown.stdout).toContain('daily 3');
    const edited = cairnJson<{ schedule: string; keepWeekly: number }>(
      ['plan', 'edit', 'p1', '--schedule', '30 3 * * *', '--keep-weekly', '8'],
      { dataDir },
    );
    expect(edited.value).toMatchObject({ schedule: '30 3 * * *', keepWeekly: 8 });
    expect(cairnJson<unknown[]>(['plan', 'list'], { dataDir }).value).toHaveLength(1);
    expect(cairn(['plan', 'remove', 'p1'], { dataDir }).code).toBe(0);
    expect(cairnJson<unknown[]>(['plan', 'list'], { dataDir }).value).toHaveLength(0);
    for (const args of [
      ['--help'],
      ['plan', 'add', '--help'],
      ['backup', '--help'],
      ['list', '--help'],
      ['show', '--help'],
    ]) {
      const h = cairn(args, { dataDir });
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/Usage: cairn/);
    }
  });

  it("applies the plan's retention after each backup, unless told not to", () => {
    const { src, dest, dataDir } = setup();
    writeTree(src, { 'a.txt': 'a' });
    const opts = ['--keep-daily', '1', '--keep-weekly', '0', '--keep-monthly', '0', '--keep-within', '0'];
    expect(cairn(['plan', 'add', 'r', '--source', src, '--dest', dest, ...opts], { dataDir }).code).toBe(0);
    const stamps: string[] = [];
    for (let i = 0; i < 3; i++) stamps.push(cairnJson<Backup>(['backup', 'r'], { dataDir }).value.stamp);
    // One a day is kept: only the newest of today's three remains, on disk and in the catalog.
    expect(cairnJson<Backup[]>(['list', 'r'], { dataDir }).value.map((b) => b.stamp)).toEqual([stamps[2]]);
    expect(fs.readdirSync(path.join(dest, 'r')).filter((n) => !n.startsWith('.'))).toEqual([stamps[2]]);

    expect(cairn(['plan', 'edit', 'r', '--no-auto-prune'], { dataDir }).stdout).toContain(
      'pruned only by cairn prune',
    );
    const more = cairn(['backup', 'r'], { dataDir });
    expect(more.stdout).not.toContain('pruned');
    expect(cairnJson<Backup[]>(['list', 'r'], { dataDir }).value).toHaveLength(2);
  });

  it('explains bad input in one sentence with exit 2', () => {
    const { src, dest, dataDir } = setup();
    const cases: [string[], RegExp][] = [
      [['plan', 'add', 'x', '--source', path.join(src, 'nope'), '--dest', dest], /does not exist/],
      [['plan', 'add', 'x', '--source', src, '--dest', path.join(src, 'in')], /inside the source/],
      [['plan', 'add', 'bad/name', '--source', src, '--dest', dest], /not usable/],
      [
        ['plan', 'add', 'x', '--source', src, '--dest', dest, '--schedule', 'every day'],
        /not a cron expression/,
      ],
      [['plan', 'add', 'x', '--source', src, '--dest', dest, '--keep-daily', '-1'], /whole number/],
      [['backup', 'nothere'], /no plan named/],
      [['show', 'latest'], /no plans yet/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, msg] of cases) {
      const r = cairn(args, { dataDir });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack traces
    }
  });
});

describe('cairn CLI: nothing lost', () => {
  it('kill -9 during a run leaves earlier backups intact and no partial one; the next run completes', async () => {
    const { src, dest, dataDir } = setup();
    const files: Record<string, Buffer | string> = {};
    for (let i = 0; i < 1500; i++) files[`small/d${i % 15}/f${i}.txt`] = `file ${i}\n`.repeat(20);
    writeTree(src, files);
    expect(cairn(['plan', 'add', 'docs', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
    const first = cairnJson<Backup>(['backup', 'docs'], { dataDir }).value;
    // Big new files so the second run is caught mid-copy.
    for (let i = 0; i < 6; i++)
      fs.writeFileSync(path.join(src, `big${i}.bin`), Buffer.alloc(48 << 20, i + 1));
    const child = cairnSpawn(['backup', 'docs'], { dataDir });
    const partial = path.join(dest, 'docs/.cairn/partial');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const inProgress = readdirOrEmpty(partial).find((n) => !n.includes('.'));
      if (inProgress && fs.existsSync(path.join(partial, inProgress, 'S/big2.bin'))) break;
      if (Date.now() > deadline) throw new Error('the run never reached the big files');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const list = cairnJson<Backup[]>(['list', 'docs'], { dataDir }).value;
    expect(list.map((b) => b.stamp)).toEqual([first.stamp]);
    expect(fs.readdirSync(path.join(dest, 'docs')).filter((n) => !n.startsWith('.'))).toEqual([first.stamp]);
    expect(await damaged(dest, 'docs', first.stamp)).toEqual([]);

    const next = cairnJson<Backup>(['backup', 'docs'], { dataDir });
    expect(next.code).toBe(0);
    expect(next.value.files).toBe(1506);
    expect(fs.readdirSync(partial)).toEqual([]);
    expect(await damaged(dest, 'docs', next.value.stamp)).toEqual([]);
  });

  it('a SQLite database written continuously by another process is copied consistently', async () => {
    const { src, dest, dataDir } = setup();
    const dbPath = path.join(src, 'live.db');
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.pragma('journal_mode=WAL');
         db.exec('CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v BLOB)');const ins=db.prepare('INSERT INTO t(v) VALUES (?)');
         const end=Date.now()+20000;process.stdout.write('ready\\n');
         while(Date.now()<end){db.transaction(()=>{for(let i=0;i<50;i++)ins.run(Buffer.alloc(2000,i));})();}`,
        dbPath,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((r) => writer.stdout!.once('data', r));
    await new Promise((r) => setTimeout(r, 300));
    try {
      expect(cairn(['plan', 'add', 'db', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
      for (let round = 0; round < 2; round++) {
        const b = cairnJson<Backup>(['backup', 'db'], { dataDir }).value;
        expect(b.status).toBe('complete');
        const copy = new Database(path.join(dest, 'db', b.stamp, 'S/live.db'), { readonly: true });
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        expect((copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBeGreaterThan(0);
        copy.close();
      }
    } finally {
      writer.kill();
    }
  });

  it('a file that keeps changing while it is read is reported', async () => {
    const { src, dest, dataDir } = setup();
    const file = path.join(src, 'growing.log');
    // Large enough that each read takes a while; the writer appends a little every millisecond (a flood of
    // writes would be throttled by the page cache and could pause during a read).
    fs.writeFileSync(file, Buffer.alloc(128 << 20, 1));
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');const s=new Int32Array(new SharedArrayBuffer(4));const end=Date.now()+60000;
         while(Date.now()<end){fs.appendFileSync(process.argv[1],'x'.repeat(64));Atomics.wait(s,0,0,1);}`,
        file,
      ],
      { stdio: 'ignore' },
    );
    try {
      expect(cairn(['plan', 'add', 'g', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
      const r = cairnJson<Backup>(['backup', 'g'], { dataDir });
      expect(r.code).toBe(1);
      expect(r.value.status).toBe('warnings');
      expect(r.value.warningList).toEqual([
        { path: 'S/growing.log', message: expect.stringMatching(/kept changing/) },
      ]);
    } finally {
      writer.kill();
    }
  });
});
