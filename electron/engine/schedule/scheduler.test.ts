import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../catalog/plans';
import { nextRun } from './nextRun';
import { Scheduler, type TriggerReason } from './scheduler';

const Z = (iso: string) => Date.parse(iso);
const MIN = 60_000;

function plan(id: number, name: string, schedule = '0 2 * * *'): Plan {
  return {
    id,
    name,
    dest: `/backups/${name}`,
    schedule,
    autoPrune: true,
    staleHours: 26,
    sources: [],
    excludes: [],
    createdAt: Z('2026-01-01T00:00:00Z'),
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

let sched: Scheduler | null = null;
afterEach(() => sched?.stop());

function harness(plans: Plan[], lastRun: number | null) {
  const h = {
    t: Z('2026-11-23T07:00:00Z'),
    /** Time the machine was asleep: the wall clock moved, the monotonic one did not. */
    slept: 0,
    disk: true,
    running: false,
    fired: [] as [string, TriggerReason][],
    logs: [] as string[],
    verifies: 0,
    lastVerify: null as number | null,
  };
  sched = new Scheduler({
    plans: () => plans,
    timezone: () => 'Europe/Berlin',
    catchUpDelayMs: () => 2 * MIN,
    now: () => h.t,
    lastRunStart: () => lastRun,
    isRunning: () => h.running,
    destPresent: () => h.disk,
    trigger: (p, r) => h.fired.push([p.name, r]),
    verify: {
      schedule: () => '30 3 * * 0',
      last: () => h.lastVerify,
      run: () => {
        h.verifies++;
        h.lastVerify = h.t;
      },
    },
    log: (m) => h.logs.push(m),
    monotonic: () => h.t - h.slept,
    tickMs: 3_600_000,
  });
  return h;
}

describe('Scheduler', () => {
  it('catches up a missed night once, after the start delay', () => {
    const h = harness([plan(1, 'home')], Z('2026-11-21T01:00:00Z'));
    sched!.start();
    sched!.tick();
    expect(h.fired).toEqual([]); // within the start delay
    h.t += 3 * MIN;
    sched!.tick();
    expect(h.fired).toEqual([['home', 'catch-up']]);
    h.t += MIN;
    sched!.tick();
    expect(h.fired).toHaveLength(1); // once, not once per missed day
  });

  it('waits for the backup disk, says so once, and runs when it is back', () => {
    const h = harness([plan(1, 'home')], Z('2026-11-22T01:00:00Z'));
    h.disk = false;
    sched!.start();
    h.t += 3 * MIN;
    sched!.tick();
    sched!.tick();
    expect(h.fired).toEqual([]);
    expect(h.logs.filter((l) => /waits for its backup disk/.test(l))).toHaveLength(1);
    expect(sched!.isWaitingForDisk(1)).toBe(true);
    h.disk = true;
    h.t += MIN;
    sched!.tick();
    expect(h.fired).toEqual([['home', 'disk-back']]);
    expect(sched!.isWaitingForDisk(1)).toBe(false);
  });

  it('runs when the disk is back after a run failed for want of it, even with nothing owed', () => {
    const h = harness([plan(1, 'home')], Z('2026-11-23T06:59:00Z'));
    sched!.start();
    h.t += 3 * MIN;
    h.disk = false;
    sched!.waitForDisk(1);
    sched!.tick();
    expect(h.fired).toEqual([]);
    h.disk = true;
    sched!.tick();
    expect(h.fired).toEqual([['home', 'disk-back']]);
  });

  it('runs a plan owed a run for want of the disk as soon as the disk is there, within the catch-up delay', () => {
    const h = harness([plan(1, 'home')], Z('2026-11-23T06:59:00Z'));
    sched!.start(); // the catch-up delay holds missed runs; a disk-back run was owed before
    sched!.waitForDisk(1);
    sched!.diskBack();
    expect(h.fired).toEqual([['home', 'disk-back']]);
    sched!.diskBack();
    expect(h.fired).toHaveLength(1);
  });

  it('does not start a plan that is running, and treats a jump of the clock as a wake-up', () => {
    const h = harness([plan(1, 'home')], Z('2026-11-23T01:00:05Z'));
    sched!.start();
    h.t += 3 * MIN;
    sched!.tick();
    expect(h.fired).toEqual([]); // today's run happened
    // The machine sleeps through the next night: the wall clock jumps a day ahead of the monotonic one.
    const wake = Z('2026-11-24T07:30:00Z');
    h.slept += wake - h.t;
    h.t = wake;
    sched!.tick();
    expect(h.fired).toEqual([]); // woke up: wait the delay first
    expect(h.logs.some((l) => /clock jumped/.test(l))).toBe(true);
    h.running = true;
    h.t += 3 * MIN;
    sched!.tick();
    expect(h.fired).toEqual([]);
    h.running = false;
    sched!.tick();
    expect(h.fired).toEqual([['home', 'catch-up']]);
  });

  it('runs the weekly verify once when its time passed', () => {
    const h = harness([], null);
    h.lastVerify = Z('2026-11-15T02:30:05Z');
    sched!.start();
    h.t += 3 * MIN;
    sched!.tick();
    sched!.tick();
    expect(h.verifies).toBe(1);
  });

  it('gives node-cron one task per plan in the timezone, agreeing with nextRun', () => {
    const plans = [plan(1, 'home', '0 2 * * *'), plan(2, 'photos', '30 3 * * 0'), plan(3, 'bad', 'nonsense')];
    harness(plans, null);
    sched!.start();
    for (const p of plans.slice(0, 2)) {
      const next = sched!.task(p.id)!.getNextRun()!.getTime();
      expect(next).toBe(nextRun(p.schedule, 'Europe/Berlin', Date.now()));
    }
    expect(sched!.task(3)).toBeUndefined();
    sched!.suspend();
    expect(sched!.task(1)).toBeUndefined();
    sched!.resume();
    expect(sched!.task(1)).toBeDefined();
  });
});
