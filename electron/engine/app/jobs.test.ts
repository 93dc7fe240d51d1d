import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { conflicts, JOB_KINDS, JobCoordinator } from './jobs';

function plan() {
  const dest = tempDir();
  return { dest, name: 'home' };
}

describe('the job coordinator', () => {
  it('has one symmetric rule: what conflicts with what', () => {
    for (const a of JOB_KINDS)
      for (const b of JOB_KINDS) expect(conflicts(a, b), `${a}/${b}`).toBe(conflicts(b, a));
    expect(conflicts('backup', 'backup')).toBe(true);
    expect(conflicts('backup', 'prune')).toBe(true);
    expect(conflicts('backup', 'restore')).toBe(false);
    expect(conflicts('prune', 'verify')).toBe(false); // prune keeps what a verify reads
    expect(conflicts('push', 'push')).toBe(true);
    expect(conflicts('push', 'backup')).toBe(false);
    for (const k of JOB_KINDS) expect(conflicts('import', k)).toBe(true);
  });

  it('lists what runs, refuses a conflicting job with a sentence, admits it once the first ends', () => {
    const p = plan();
    const jobs = new JobCoordinator(() => 1_000);
    let changes = 0;
    jobs.onChange(() => changes++);
    const backup = jobs.begin('backup', p, 'cli');
    const restore = jobs.begin('restore', p, 'ui', '2026-12-01_020000');
    expect(jobs.list().map((j) => [j.kind, j.planName, j.actor])).toEqual([
      ['backup', 'home', 'cli'],
      ['restore', 'home', 'ui'],
    ]);
    expect(() => jobs.begin('prune', p, 'ui')).toThrow(
      /^A backup of home is running since .*; a prune waits/,
    );
    // Another plan is not affected.
    jobs.begin('backup', { ...p, name: 'other' }, 'cli').end();
    backup.end();
    backup.end(); // idempotent
    const prune = jobs.begin('prune', p, 'ui');
    expect(jobs.readingStamps(p)).toEqual(new Set(['2026-12-01_020000']));
    prune.end();
    restore.end();
    expect(jobs.list()).toEqual([]);
    expect(changes).toBe(8);
  });

  it('decides across processes through the plan folder, and forgets jobs of processes that are gone', () => {
    const p = plan();
    const one = new JobCoordinator();
    const other = new JobCoordinator(); // another process: it knows only what is on the disk
    const job = one.begin('backup', p, 'serve');
    expect(() => other.begin('backup', p, 'cli')).toThrow(/A backup of home is running/);
    expect(other.onPlan(p).map((j) => j.kind)).toEqual(['backup']);
    job.end();
    const dir = path.join(p.dest, 'home', '.cairn', 'jobs');
    // A process killed mid-job left its mark, and one killed while writing left half a mark.
    const dead = { ...job.info, id: 'x', pid: 999_999_999, host: os.hostname() };
    fs.writeFileSync(path.join(dir, 'x.json'), JSON.stringify(dead));
    fs.writeFileSync(path.join(dir, 'y.json'), '{"kind":"back');
    other.begin('backup', p, 'cli').end();
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.json'))).toEqual([]);
  });

  it('takes a job on another machine as running (a shared disk), naming that machine', () => {
    const p = plan();
    const dir = path.join(p.dest, 'home', '.cairn', 'jobs');
    fs.mkdirSync(dir, { recursive: true });
    const info = {
      id: 'z',
      kind: 'backup',
      planName: 'home',
      stamp: null,
      actor: 'cli',
      startedAt: 0,
      pid: 1,
      host: 'laptop-2',
    };
    fs.writeFileSync(path.join(dir, 'z.json'), JSON.stringify(info));
    expect(() => new JobCoordinator().begin('prune', p, 'cli')).toThrow(
      /A backup of home is running on laptop-2/,
    );
  });

  it('waits until a conflicting job is over (a push after a push), here or in another process', async () => {
    const p = plan();
    const here = new JobCoordinator();
    const first = here.begin('push', p, 'serve');
    let free = false;
    const waiting = here.whenFree('push', p).then(() => (free = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(free).toBe(false);
    first.end();
    await waiting;
    const elsewhere = new JobCoordinator().begin('push', p, 'cli');
    const t = here.whenFree('push', p, { pollMs: 10 }).then(() => (free = false));
    setTimeout(() => elsewhere.end(), 30);
    await t;
    expect(free).toBe(false);
  });

  it('never creates a destination that is not there (an unplugged disk)', () => {
    const p = { dest: path.join(tempDir(), 'usb-not-mounted'), name: 'home' };
    const jobs = new JobCoordinator();
    const t = jobs.begin('backup', p, 'cli');
    expect(() => jobs.begin('backup', p, 'cli')).toThrow(/running/);
    t.end();
    expect(fs.existsSync(p.dest)).toBe(false);
  });
});
