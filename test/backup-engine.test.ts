import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups, listWarnings } from '../electron/engine/catalog/backups';
import { iterateBackup, listFolder } from '../electron/engine/catalog/versions';
import { CairnError } from '../electron/engine/errors';
import { JobCoordinator } from '../electron/engine/app/jobs';
import { backupOp } from '../electron/engine/app/ops/backup';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { makeRig } from './helpers/engine';
import { diffTrees, writeTree } from './helpers/tree';

function versionCount(db: Database.Database): number {
  return (db.prepare('SELECT count(*) AS n FROM file_versions').get() as { n: number }).n;
}

describe('local backup', () => {
  it('makes a dated folder that is byte-identical to the source, with modes, mtimes and symlinks', async () => {
    const rig = makeRig();
    writeTree(rig.src, {
      'a.txt': 'alpha',
      empty: '',
      'dir/b.bin': Buffer.alloc(3 * 1024 * 1024 + 17, 7),
      'dir/deep/er/c.txt': 'deep',
      'dir/script.sh': { mode: 0o755, content: '#!/bin/sh\necho hi\n' },
      'dir/secret': { mode: 0o600, content: 'private' },
      // Modes a umask of 022 would not give at creation, and ones it would: each copy has its source's.
      'modes/group-writable': { mode: 0o664, content: 'g' },
      'modes/read-only': { mode: 0o444, content: 'r' },
      'modes/none': { mode: 0o000, content: 'n' },
      'modes/setgid': { mode: 0o2755, content: 's' },
      'link-rel': { symlink: 'dir/deep' },
      'link-abs': { symlink: '/etc/hostname' },
      'link-dangling': { symlink: 'nowhere/at/all' },
      'tab\tand\nnewline name': 'odd name',
      'ünïcode 📁/x': 'x',
    });
    fs.mkdirSync(path.join(rig.src, 'empty-dir'));
    fs.utimesSync(path.join(rig.src, 'a.txt'), 1_000_000, 1_234_567.891);
    const { backup } = await rig.backup();
    expect(backup.status).toBe('complete');
    expect(backup.stamp).toMatch(/^\d{4}-\d{2}-\d{2}_\d{6}$/);
    const copy = path.join(rig.backupDir(backup.stamp), 'src');
    expect(diffTrees(rig.src, copy, { mode: true, mtime: true })).toEqual([]);
    expect(fs.readlinkSync(path.join(copy, 'link-abs'))).toBe('/etc/hostname');
    expect(backup.files).toBe(12);
    expect(backup.symlinks).toBe(3);
    expect(backup.newFiles).toBe(12);
    // The destination describes itself.
    expect(fs.existsSync(path.join(rig.dest, 'docs', '.cairn', 'manifests', `${backup.stamp}.tsv.gz`))).toBe(
      true,
    );
    // The catalog knows what it holds.
    const top = listFolder(rig.db, rig.plan.id, backup.id, 'src').map((e) => e.name);
    expect(top).toEqual(
      expect.arrayContaining(['a.txt', 'dir', 'empty-dir', 'link-rel', 'tab\tand\nnewline name']),
    );
    // A folder's listing gives each entry whole, as the walk over the backup does.
    const inSrc = [...iterateBackup(rig.db, rig.plan.id, backup.id)]
      .filter((e) => e.path.startsWith('src/') && !e.path.slice(4).includes('/'))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(listFolder(rig.db, rig.plan.id, backup.id, 'src')).toEqual(inSrc);
    const st = fs.statSync(path.join(rig.src, 'a.txt'));
    expect(inSrc.find((e) => e.name === 'a.txt')).toMatchObject({
      kind: 'f',
      path: 'src/a.txt',
      size: st.size,
      mode: st.mode & 0o7777,
      firstBackup: backup.id,
      lastBackup: null,
    });
    // Every byte hashed: a file read in one go, an empty one and one of several reads.
    const sha = (rel: string) =>
      createHash('sha256')
        .update(fs.readFileSync(path.join(rig.src, rel)))
        .digest('hex');
    const all = [...iterateBackup(rig.db, rig.plan.id, backup.id)];
    for (const rel of ['a.txt', 'empty', 'dir/b.bin', 'modes/none'])
      expect(all.find((e) => e.path === `src/${rel}`)?.sha256).toBe(sha(rel));
  });

  it('hard-links unchanged files and records only what changed', async () => {
    const rig = makeRig();
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`d${i % 7}/f${i}.txt`] = `content ${i}`;
    writeTree(rig.src, files);
    const first = await rig.backup();
    const rowsAfterFirst = versionCount(rig.db);

    const second = await rig.backup();
    expect(second.backup.newFiles).toBe(0);
    expect(second.backup.linkedFiles).toBe(200);
    expect(versionCount(rig.db)).toBe(rowsAfterFirst); // an unchanged day adds no version rows
    for (const rel of Object.keys(files)) {
      const a = fs.statSync(path.join(rig.backupDir(first.backup.stamp), 'src', rel));
      const b = fs.statSync(path.join(rig.backupDir(second.backup.stamp), 'src', rel));
      expect(b.ino).toBe(a.ino);
    }

    // Change one file, add one, delete one.
    fs.writeFileSync(path.join(rig.src, 'd1/f1.txt'), 'changed content');
    fs.writeFileSync(path.join(rig.src, 'd2/new.txt'), 'new');
    fs.rmSync(path.join(rig.src, 'd3/f3.txt'));
    const third = await rig.backup();
    expect(third.backup.newFiles).toBe(2);
    expect(third.backup.linkedFiles).toBe(198);
    expect(diffTrees(rig.src, path.join(rig.backupDir(third.backup.stamp), 'src'))).toEqual([]);
    // Earlier backups are untouched.
    expect(fs.readFileSync(path.join(rig.backupDir(second.backup.stamp), 'src/d1/f1.txt'), 'utf8')).toBe(
      'content 1',
    );
    expect(fs.existsSync(path.join(rig.backupDir(second.backup.stamp), 'src/d3/f3.txt'))).toBe(true);
    // The catalog: each backup lists exactly its own files.
    const paths = (id: number) =>
      [...iterateBackup(rig.db, rig.plan.id, id)]
        .filter((v) => v.kind === 'f')
        .map((v) => v.path)
        .sort();
    expect(paths(second.backup.id)).toContain('src/d3/f3.txt');
    expect(paths(third.backup.id)).not.toContain('src/d3/f3.txt');
    expect(paths(third.backup.id)).toContain('src/d2/new.txt');
    expect(paths(first.backup.id)).toHaveLength(200);
    expect(paths(third.backup.id)).toHaveLength(200);
    const f1 = [...iterateBackup(rig.db, rig.plan.id, third.backup.id, 'src/d1/f1.txt')];
    expect(f1).toHaveLength(1);
    expect(f1[0]!.size).toBe('changed content'.length);
  });

  it('copies an unchanged file again when its copy in the previous backup is gone, linking the rest', async () => {
    const rig = makeRig();
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`d${i % 2}/f${String(i).padStart(3, '0')}.txt`] = `content ${i}`;
    writeTree(rig.src, files);
    const first = await rig.backup();
    // Someone deleted two files by hand from the previous backup, one early and one late in a folder.
    const prev = path.join(rig.backupDir(first.backup.stamp), 'src');
    fs.rmSync(path.join(prev, 'd0/f000.txt'));
    fs.rmSync(path.join(prev, 'd1/f599.txt'));
    const second = await rig.backup();
    expect(second.backup.status).toBe('complete');
    expect(second.backup.newFiles).toBe(2);
    expect(second.backup.linkedFiles).toBe(598);
    const copy = path.join(rig.backupDir(second.backup.stamp), 'src');
    expect(diffTrees(rig.src, copy, { mode: true, mtime: true })).toEqual([]);
    expect(fs.statSync(path.join(copy, 'd0/f002.txt')).ino).toBe(
      fs.statSync(path.join(prev, 'd0/f002.txt')).ino,
    );
    // The catalog and the manifest still hold every file, the two copied ones with their content's hash.
    const held = [...iterateBackup(rig.db, rig.plan.id, second.backup.id)].filter((v) => v.kind === 'f');
    expect(held).toHaveLength(600);
    const third = await rig.backup();
    expect(third.backup.linkedFiles).toBe(600);
  });

  it('copies a file again when only its mode or timestamps changed', async () => {
    const rig = makeRig();
    writeTree(rig.src, { 'x.sh': 'echo', 'y.txt': 'same' });
    const a = await rig.backup();
    fs.chmodSync(path.join(rig.src, 'x.sh'), 0o700);
    fs.utimesSync(path.join(rig.src, 'y.txt'), 5, 5);
    const b = await rig.backup();
    expect(b.backup.newFiles).toBe(2);
    const dir = path.join(rig.backupDir(b.backup.stamp), 'src');
    expect(fs.statSync(path.join(dir, 'x.sh')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'y.txt')).mtimeMs).toBe(5000);
    expect(fs.statSync(path.join(rig.backupDir(a.backup.stamp), 'src/x.sh')).mode & 0o777).toBe(0o644);
  });

  it('leaves out excluded paths (gitignore syntax and defaults) and shows the defaults on the plan', async () => {
    const rig = makeRig({ excludes: ['*.log', 'build/', '!keep.log'] });
    expect(rig.plan.excludes).toEqual(expect.arrayContaining(['.cache/', 'node_modules/', '*.tmp', '*.log']));
    writeTree(rig.src, {
      'a.log': 'x',
      'keep.log': 'kept',
      'build/out.o': 'x',
      'src/build.c': 'kept',
      '.cache/big': 'x',
      'proj/node_modules/pkg/index.js': 'x',
      'notes.tmp': 'x',
      'notes.txt': 'kept',
    });
    const { backup } = await rig.backup();
    const copy = path.join(rig.backupDir(backup.stamp), 'src');
    const found = (p: string) => fs.existsSync(path.join(copy, p));
    expect(['keep.log', 'src/build.c', 'notes.txt', 'proj'].every(found)).toBe(true);
    expect(['a.log', 'build', '.cache', 'proj/node_modules', 'notes.tmp'].some(found)).toBe(false);
  });

  it('skips FIFOs with a warning and completes "with warnings"', async () => {
    const rig = makeRig();
    writeTree(rig.src, { 'ok.txt': 'ok' });
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [path.join(rig.src, 'pipe')]);
    const { backup, warnings } = await rig.backup();
    expect(backup.status).toBe('warnings');
    expect(backup.skipped).toBe(1);
    expect(warnings).toEqual([{ path: 'src/pipe', message: expect.stringMatching(/named pipe.*skipped/) }]);
    expect(listWarnings(rig.db, backup.id)).toHaveLength(1);
    expect(fs.readFileSync(path.join(rig.backupDir(backup.stamp), 'src/ok.txt'), 'utf8')).toBe('ok');
  });

  it('refuses a destination inside a source, a source inside the destination, and a missing source', async () => {
    const rig = makeRig();
    const { createPlan } = await import('../electron/engine/plans/planOps');
    const inside = () =>
      createPlan(rig.db, { name: 'bad', sources: [rig.src], dest: path.join(rig.src, 'bk') }, 0, 'test');
    expect(inside).toThrow(CairnError);
    expect(inside).toThrow(/inside the source/);
    const around = () =>
      createPlan(rig.db, { name: 'bad2', sources: [path.join(rig.dest, 'x')], dest: rig.dest }, 0, 'test');
    fs.mkdirSync(path.join(rig.dest, 'x'), { recursive: true });
    expect(around).toThrow(/inside the backup folder/);
    fs.rmSync(rig.src, { recursive: true });
    await expect(rig.backup()).rejects.toThrow(/does not exist/);
    const runs = listBackups(rig.db, { planId: rig.plan.id, includeFailed: true });
    expect(runs.map((r) => r.status)).toEqual(['failed']);
    const planDir = path.join(rig.dest, 'docs');
    expect(fs.existsSync(planDir) ? fs.readdirSync(planDir).filter((n) => !n.startsWith('.')) : []).toEqual(
      [],
    );
  });

  it('says the backup disk is missing when the destination folder is gone', async () => {
    const rig = makeRig();
    writeTree(rig.src, { a: 'a' });
    fs.rmSync(rig.dest, { recursive: true });
    await expect(rig.backup()).rejects.toMatchObject({ code: 'dest-missing' });
  });

  it('cancelling mid-run leaves no backup, and the next run works', async () => {
    const rig = makeRig();
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`d${i % 30}/f${i}`] = `x${i}`;
    writeTree(rig.src, files);
    const ac = new AbortController();
    let seen = 0;
    const run = rig.backup({
      signal: ac.signal,
      onProgress: (p) => {
        seen = p.files;
        if (p.files > 100) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toBeGreaterThan(0);
    expect(listBackups(rig.db, { planId: rig.plan.id })).toHaveLength(0);
    const planDir = path.join(rig.dest, 'docs');
    expect(fs.readdirSync(planDir).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(fs.readdirSync(path.join(planDir, '.cairn', 'partial'))).toEqual([]);
    const ok = await rig.backup();
    expect(ok.backup.files).toBe(3000);
  });

  it('refuses a second run of the same plan while one runs, in this process and from another one', async () => {
    const rig = makeRig();
    const files: Record<string, string> = {};
    for (let i = 0; i < 2000; i++) files[`f${i}`] = 'x';
    writeTree(rig.src, files);
    const ops = (jobs: JobCoordinator) => ({
      db: rig.db,
      jobs,
      secrets: new FileSecretStore(rig.dataDir),
      drive: null,
      now: () => (rig.clock.now += 60_000),
      actor: 'test',
    });
    const here = new JobCoordinator();
    // A second coordinator stands for another Cairn process: it sees the first one's job on the disk.
    const there = new JobCoordinator();
    const first = backupOp(ops(here), rig.plan);
    await new Promise((r) => setTimeout(r, 5));
    const results = await Promise.allSettled([
      first,
      backupOp(ops(here), rig.plan),
      backupOp(ops(there), rig.plan),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.slice(1)) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({
        code: 'locked',
        message: expect.stringMatching(
          /^A backup of docs is running since .*; a backup waits for it to finish\.$/,
        ),
      });
    }
    expect(listBackups(rig.db, { planId: rig.plan.id })).toHaveLength(1);
    // Once it is over, the next one is admitted.
    expect((await backupOp(ops(there), rig.plan)).outcome.backup.status).toBe('complete');
  });

  it('copies a live SQLite database consistently while another connection writes to it', async () => {
    const rig = makeRig();
    const dbPath = path.join(rig.src, 'app.db');
    const live = new Database(dbPath);
    live.pragma('journal_mode = WAL');
    live.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const ins = live.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 2000; i++) ins.run('row ' + i);
    const first = await rig.backup();
    // The next day, more rows, still open: copied again consistently, its WAL again left out.
    for (let i = 0; i < 500; i++) ins.run('more ' + i);
    const second = await rig.backup();
    live.close();
    for (const [b, rows] of [
      [first.backup, 2000],
      [second.backup, 2500],
    ] as const) {
      // The WAL and shared-memory files beside it are not copied raw next to the consistent copy.
      expect(fs.readdirSync(path.join(rig.backupDir(b.stamp), 'src'))).toEqual(['app.db']);
      const copy = new Database(path.join(rig.backupDir(b.stamp), 'src/app.db'), { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(rows);
      copy.close();
    }
  });
});
