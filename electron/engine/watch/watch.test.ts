import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../test/helpers/engine';
import { writeTree } from '../../../test/helpers/tree';
import { PlanWatcher } from './planWatcher';
import { Watchers } from './watchers';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(25);
  }
}

function rig(): Rig {
  const r = makeRig({ excludes: ['cache/', '*.tmp'] });
  writeTree(r.src, { 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c', 'sub/d.txt': 'd', 'cache/x': 'x' });
  return r;
}

async function watcher(r: Rig, failures: string[] = []): Promise<PlanWatcher> {
  const w = new PlanWatcher({ plan: r.plan, db: r.db, onCount: () => {}, onFailed: (m) => failures.push(m) });
  closers.push(() => w.close());
  await w.start();
  return w;
}

describe('PlanWatcher', () => {
  it('counts adds, changes and deletes since the last backup, not excluded files', async () => {
    const r = rig();
    await r.backup();
    const w = await watcher(r);
    expect(w.phase).toBe('watching');
    expect(w.changedFiles).toBe(0);
    fs.writeFileSync(path.join(r.src, 'sub/new.txt'), 'new');
    await sleep(100);
    fs.appendFileSync(path.join(r.src, 'a.txt'), 'more');
    await sleep(100);
    fs.rmSync(path.join(r.src, 'b.txt'));
    fs.writeFileSync(path.join(r.src, 'cache/y'), 'ignored');
    fs.writeFileSync(path.join(r.src, 'scratch.tmp'), 'ignored');
    await until(() => w.changedFiles === 3);
    await sleep(300);
    expect(w.changedFiles).toBe(3);
    fs.appendFileSync(path.join(r.src, 'a.txt'), 'again'); // the same file twice counts once
    await sleep(300);
    expect(w.changedFiles).toBe(3);
  });

  it('counts nothing in a tree of symlinks where nothing changed', async () => {
    const r = rig();
    const links: Record<string, { symlink: string }> = {};
    for (let i = 0; i < 40; i++) {
      links[`links/file${i}`] = { symlink: '../a.txt' };
      links[`links/dir${i}`] = { symlink: '../sub' };
      links[`sub/up${i}`] = { symlink: '..' };
    }
    links['links/dangling'] = { symlink: '/nowhere/at/all' };
    links['links/abs'] = { symlink: path.join(r.src, 'sub/c.txt') };
    writeTree(r.src, links);
    await r.backup();
    const w = await watcher(r);
    await sleep(1000); // chokidar's late events for the symlinks it found
    expect(w.changedFiles).toBe(0);
  });

  it('counts at start what changed while nothing watched, and everything before the first backup', async () => {
    const r = rig();
    const first = await watcher(r);
    expect(first.changedFiles).toBe(4); // no backup yet: every file is new (cache/ is excluded)
    await first.close();

    await r.backup();
    fs.writeFileSync(path.join(r.src, 'new.txt'), 'new');
    fs.appendFileSync(path.join(r.src, 'a.txt'), 'more');
    fs.rmSync(path.join(r.src, 'sub'), { recursive: true }); // two files
    fs.writeFileSync(path.join(r.src, 'cache/y'), 'excluded');
    const w = await watcher(r);
    expect(w.changedFiles).toBe(4);
  });

  it('a backup made elsewhere (the CLI) holds the changes: the count follows it', async () => {
    const r = rig();
    await r.backup();
    const w = await watcher(r);
    fs.writeFileSync(path.join(r.src, 'new.txt'), 'new');
    fs.appendFileSync(path.join(r.src, 'a.txt'), 'more');
    await until(() => w.changedFiles === 2);
    await r.backup(); // not through the watcher's process: only the catalog says so
    fs.appendFileSync(path.join(r.src, 'b.txt'), 'after the backup');
    await until(() => w.changedFiles === 3);
    await w.refresh();
    expect(w.changedFiles).toBe(1);
  });

  it('does not count the destination, even inside a source', async () => {
    const r = rig();
    const plan = { ...r.plan, dest: path.join(r.src, 'backups') };
    writeTree(r.src, { 'backups/old/copy.txt': 'x' });
    await r.backup();
    const w = new PlanWatcher({ plan, db: r.db, onCount: () => {}, onFailed: () => {} });
    closers.push(() => w.close());
    await w.start();
    // The rig's backup kept backups/ (its own plan's destination is elsewhere): gone now, not counted.
    fs.rmSync(path.join(r.src, 'backups/old'), { recursive: true });
    fs.writeFileSync(path.join(r.src, 'backups/new.txt'), 'y');
    await sleep(500);
    expect(w.changedFiles).toBe(0);
  });

  it('says so when the watch limit is reached, and nothing else breaks', async () => {
    const r = rig();
    const failures: string[] = [];
    const w = await watcher(r, failures);
    const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
    w.fsWatcher!.emit('error', err);
    expect(w.phase).toBe('failed');
    expect(w.changedFiles).toBeNull();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/max_user_watches.*Backups still run/);
    fs.writeFileSync(path.join(r.src, 'after.txt'), 'x');
    await sleep(200);
    expect(w.changedFiles).toBeNull();
  });
});

describe('Watchers', () => {
  it('starts a backup once changes settle, and not when auto-backup is off', async () => {
    const r = rig();
    await r.backup();
    const settled: string[] = [];
    const settings = { enabled: true, autoBackup: true, settleSeconds: 1, minIntervalMinutes: 0 };
    const ws = new Watchers({
      db: r.db,
      now: Date.now,
      settings: () => settings,
      onCount: () => {},
      onFailed: () => {},
      onSettled: (n) => settled.push(n),
      lastRunStart: () => null,
    });
    closers.push(() => ws.close());
    await ws.sync([r.plan]);
    expect(ws.state('docs').state).toBe('watching');
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(path.join(r.src, `burst${i}.txt`), 'x');
      await sleep(150);
    }
    await until(() => settled.length > 0, 5000);
    await sleep(1200);
    expect(settled).toEqual(['docs']); // one backup for the burst

    settings.autoBackup = false;
    fs.writeFileSync(path.join(r.src, 'later.txt'), 'x');
    await until(() => ws.changedFiles('docs') === 4);
    await sleep(1500); // longer than the settle time
    expect(settled).toEqual(['docs']);

    settings.enabled = false;
    await ws.sync([r.plan]);
    expect(ws.state('docs').state).toBe('off');
    expect(ws.changedFiles('docs')).toBeNull();
  });
});
