import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { writeTree } from '../../../test/helpers/tree';
import type { Plan } from '../catalog/plans';
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

function source() {
  const src = tempDir();
  writeTree(src, { 'a.txt': 'a', 'b.txt': 'b', 'sub/c.txt': 'c', 'cache/x': 'x' });
  return src;
}

function planOf(src: string): Plan {
  return {
    id: 1,
    name: 'home',
    dest: '/nowhere',
    schedule: '0 2 * * *',
    autoPrune: true,
    staleHours: 26,
    sources: [{ label: 'src', path: src }],
    excludes: ['cache/', '*.tmp'],
    createdAt: 0,
    updatedAt: 0,
    keepLast: 0,
    keepDaily: 7,
    keepWeekly: 4,
    keepMonthly: 12,
    keepYearly: 0,
    keepWithinHours: 24,
    keepNotedDays: 30,
  };
}

describe('PlanWatcher', () => {
  it('counts adds, changes and deletes since the last backup, not excluded files', async () => {
    const src = source();
    const counts: number[] = [];
    const w = new PlanWatcher({
      plan: planOf(src),
      now: Date.now,
      onCount: (n) => counts.push(n),
      onFailed: () => {},
    });
    closers.push(() => w.close());
    await w.start();
    expect(w.phase).toBe('watching');
    expect(w.changedFiles).toBe(0);
    fs.writeFileSync(path.join(src, 'sub/new.txt'), 'new');
    await sleep(100);
    fs.appendFileSync(path.join(src, 'a.txt'), 'more');
    await sleep(100);
    fs.rmSync(path.join(src, 'b.txt'));
    fs.writeFileSync(path.join(src, 'cache/y'), 'ignored');
    fs.writeFileSync(path.join(src, 'scratch.tmp'), 'ignored');
    await until(() => w.changedFiles === 3);
    await sleep(300);
    expect(w.changedFiles).toBe(3);
    fs.appendFileSync(path.join(src, 'a.txt'), 'again'); // the same file twice counts once
    await sleep(300);
    expect(w.changedFiles).toBe(3);

    w.backedUp(Date.now() + 1);
    expect(w.changedFiles).toBe(0);
    expect(counts.at(-1)).toBe(0);
  });

  it('says so when the watch limit is reached, and nothing else breaks', async () => {
    const src = source();
    const failures: string[] = [];
    const w = new PlanWatcher({
      plan: planOf(src),
      now: Date.now,
      onCount: () => {},
      onFailed: (m) => failures.push(m),
    });
    closers.push(() => w.close());
    await w.start();
    const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), {
      code: 'ENOSPC',
    });
    w.fsWatcher!.emit('error', err);
    expect(w.phase).toBe('failed');
    expect(w.changedFiles).toBeNull();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/max_user_watches.*Backups still run/);
    fs.writeFileSync(path.join(src, 'after.txt'), 'x');
    await sleep(200);
    expect(w.changedFiles).toBeNull();
  });
});

describe('Watchers', () => {
  it('starts a backup once changes settle, and not when auto-backup is off', async () => {
    const src = source();
    const settled: string[] = [];
    const settings = { enabled: true, autoBackup: true, settleSeconds: 1, minIntervalMinutes: 0 };
    const ws = new Watchers({
      now: Date.now,
      settings: () => settings,
      onCount: () => {},
      onFailed: () => {},
      onSettled: (n) => settled.push(n),
      lastRunStart: () => null,
    });
    closers.push(() => ws.close());
    await ws.sync([planOf(src)]);
    expect(ws.state('home').state).toBe('watching');
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(path.join(src, `burst${i}.txt`), 'x');
      await sleep(150);
    }
    await until(() => settled.length > 0, 5000);
    await sleep(1200);
    expect(settled).toEqual(['home']); // one backup for the burst

    settings.autoBackup = false;
    fs.writeFileSync(path.join(src, 'later.txt'), 'x');
    await until(() => ws.changedFiles('home') === 4);
    await sleep(1500); // longer than the settle time
    expect(settled).toEqual(['home']);

    settings.enabled = false;
    await ws.sync([planOf(src)]);
    expect(ws.state('home').state).toBe('off');
    expect(ws.changedFiles('home')).toBeNull();
  });
});
