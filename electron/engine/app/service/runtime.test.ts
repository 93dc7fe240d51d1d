import { FileSecretStore } from '../../secrets/store';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { writeTree } from '../../../../test/helpers/tree';
import { listActivity } from '../../catalog/activity';
import { listBackups } from '../../catalog/backups';
import { openCatalog, type Db } from '../../catalog/db';
import { logNotifier } from '../../notify/log';
import { createPlan } from '../../plans/planOps';
import { JobCoordinator } from '../jobs';
import { CairnRuntime } from './runtime';
import { writeSettings } from './settingsStore';

const DAY = 86_400_000;
let db: Db | null = null;
let rt: CairnRuntime | null = null;
const servers: http.Server[] = [];
afterEach(async () => {
  await rt?.close();
  rt = null;
  db?.close();
  db = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function setup(files: Record<string, string | Buffer> = { 'a.txt': 'alpha' }, createdDaysAgo = 3) {
  const root = tempDir();
  const src = path.join(root, 'src');
  const dest = path.join(root, 'dest');
  writeTree(src, files);
  db = openCatalog(path.join(root, 'data'));
  writeSettings(
    db,
    { timezone: 'UTC', catchUpDelaySeconds: 0, watch: { enabled: false } },
    Date.now(),
    'test',
  );
  const plan = createPlan(
    db,
    { name: 'home', dest, sources: [src] },
    Date.now() - createdDaysAgo * DAY,
    'test',
  );
  const lines: string[] = [];
  rt = runtime(db, lines);
  return { root, src, dest, plan, lines, db, rt };
}

/** A runtime over `db` that ticks every 150 ms; its notifications and log go to `lines`. */
function runtime(db: Db, lines: string[]): CairnRuntime {
  return new CairnRuntime({
    db,
    secrets: new FileSecretStore(path.dirname(db.name)),
    actor: 'test',
    localNotifier: logNotifier((l) => lines.push(l)),
    log: (l) => lines.push(l),
    tickMs: 150,
  });
}

describe('CairnRuntime', () => {
  it('catches up a missed scheduled backup soon after start, as the scheduler', async () => {
    const { db, rt, plan, lines } = setup();
    await rt.start();
    await until(() => listBackups(db, { planId: plan.id }).length === 1);
    expect(lines.some((l) => /Starting the missed backup of home/.test(l))).toBe(true);
    const started = db.prepare(`SELECT actor FROM activity WHERE message LIKE 'Backup % started'`).get() as {
      actor: string;
    };
    expect(started.actor).toBe('schedule');
    await new Promise((r) => setTimeout(r, 600));
    expect(listBackups(db, { planId: plan.id })).toHaveLength(1); // once
  });

  it('waits for the backup disk and runs when it is plugged back in', async () => {
    const { db, rt, plan, dest, lines } = setup();
    fs.renameSync(dest, dest + '.unplugged');
    await rt.start();
    await new Promise((r) => setTimeout(r, 500));
    expect(listBackups(db, { planId: plan.id, includeFailed: true })).toHaveLength(0);
    expect(lines.filter((l) => /waits for its backup disk/.test(l))).toHaveLength(1);
    expect(lines.some((l) => /waiting for the backup disk/.test(l))).toBe(true);
    const st = await rt.service.call('status', {});
    expect(st.ok && (st.value as { plans: { state: string }[] }).plans[0]!.state).toBe('waiting-disk');
    fs.renameSync(dest + '.unplugged', dest);
    await until(() => listBackups(db, { planId: plan.id }).length === 1);
    expect(lines.some((l) => /Starting the postponed backup of home/.test(l))).toBe(true);
  });

  it('runs the weekly verify when it is owed; damage shows in the status and is told', async () => {
    const { db, plan, dest, lines } = setup({ 'a.txt': 'alpha', 'b.txt': 'beta' }, 0);
    const first = new CairnRuntime({
      db,
      secrets: new FileSecretStore(path.dirname(db.name)),
      actor: 'test',
      localNotifier: logNotifier(() => {}),
      log: () => {},
    });
    const stamp = (await first.service.runs.request('home', { actor: 'test' }).done).backup!.stamp;
    await first.close();
    const f = path.join(dest, 'home', stamp, 'src', 'b.txt');
    fs.chmodSync(f, 0o644);
    fs.writeFileSync(f, 'bEta');
    await rt!.start();
    await until(() => lines.some((l) => /Weekly verify of home/.test(l)));
    expect(lines.find((l) => /Weekly verify of home/.test(l))).toMatch(/damaged: 1 changed/);
    await until(() => lines.some((l) => /Backup of home needs attention: Verify found/.test(l)));
    expect(listBackups(db, { planId: plan.id })[0]!.verifyResult).toBe('damaged: 1 changed');
  });

  it('after a restart, a run that failed for want of the disk runs when the disk is back', async () => {
    const { db, rt, plan, dest } = setup({ 'a.txt': 'alpha' }, 0);
    fs.renameSync(dest, dest + '.unplugged');
    const before = new CairnRuntime({
      db,
      secrets: new FileSecretStore(path.dirname(db.name)),
      actor: 'test',
      localNotifier: logNotifier(() => {}),
      log: () => {},
    });
    const failed = await before.service.runs.request('home', { actor: 'test' }).done;
    expect(failed.error?.code).toBe('dest-missing');
    await before.close();
    await rt.start(); // nothing is owed by the schedule (the plan is new): only the disk wait starts it
    await new Promise((r) => setTimeout(r, 400));
    expect(listBackups(db, { planId: plan.id })).toHaveLength(0);
    fs.renameSync(dest + '.unplugged', dest);
    await until(() => listBackups(db, { planId: plan.id }).length === 1);
  });

  it('a disk put back while Cairn was stopped: the plan waits to run (not failing) and runs within a tick', async () => {
    const { db, plan, dest, lines } = setup({ 'a.txt': 'alpha' }, 0);
    // The catch-up delay (2 min) must not hold a run owed for want of the disk.
    writeSettings(db, { catchUpDelaySeconds: 120 }, Date.now(), 'test');
    const before = new CairnRuntime({
      db,
      secrets: new FileSecretStore(path.dirname(db.name)),
      actor: 'test',
      localNotifier: logNotifier(() => {}),
      log: () => {},
    });
    await before.service.runs.request('home', { actor: 'cli' }).done;
    fs.renameSync(dest, dest + '.unplugged');
    expect((await before.service.runs.request('home', { actor: 'cli' }).done).error?.code).toBe(
      'dest-missing',
    );
    await before.close();
    fs.renameSync(dest + '.unplugged', dest);
    const st = await rt!.service.call('status', {});
    const p = st.ok ? (st.value as { plans: { state: string; reasons: string[] }[] }).plans[0]! : null;
    expect(p?.state).toBe('waiting-run');
    expect(p?.reasons[0]).toMatch(/is back: the backup that could not run then starts within a minute/);
    const t0 = Date.now();
    await rt!.start();
    await until(() => listBackups(db, { planId: plan.id }).length === 2, 5_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(lines.some((l) => /Starting the postponed backup of home/.test(l))).toBe(true);
  });

  it('says "first backup running" (not "needs attention") as soon as the first backup starts', async () => {
    const { rt } = setup({ 'a.txt': 'alpha' }, 0);
    const states: string[] = [];
    rt.service.bus.on((e) => {
      if (e.type === 'statusChanged') states.push(e.data.state);
    });
    await rt.start();
    await rt.service.runs.request('home', { actor: 'test' }).done;
    await until(() => states.at(-1) === 'healthy');
    expect(states).toEqual(['attention', 'first-backup', 'healthy']);
  });

  it('applies retention after each good backup when the plan asks for it', async () => {
    const { db, rt, plan, lines } = setup({ 'a.txt': 'alpha' }, 0);
    await rt.service.call('retentionSet', { plan: 'home', local: { keepWithinHours: 0 } });
    const stamps: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 1100));
      stamps.push((await rt.service.runs.request('home', { actor: 'test' }).done).backup!.stamp);
    }
    // With keep-within off, keep-daily keeps the newest backup of the day (and restic keeps the oldest while
    // counts are left):
    // the middle one goes, exactly as the preview says.
    expect(listBackups(db, { planId: plan.id }).map((b) => b.stamp)).toEqual([stamps[2], stamps[0]]);
    expect(lines).toContain(`Pruned 1 backup(s) of home: ${stamps[1]}.`);

    await rt.service.call('retentionSet', { plan: 'home', autoPrune: false });
    await new Promise((r) => setTimeout(r, 1100));
    await rt.service.runs.request('home', { actor: 'test' }).done;
    expect(listBackups(db, { planId: plan.id })).toHaveLength(3);
  });

  it('sweeps pruned folders out of the trash in the background, and at start what a stopped sweep left', async () => {
    const { db, rt: first, plan, dest } = setup({ 'a.txt': 'alpha', 'sub/b.txt': 'beta' }, 0);
    await first.service.call('retentionSet', { plan: 'home', local: { keepWithinHours: 0 } });
    const stamps: string[] = [];
    for (let i = 0; i < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 1100));
      stamps.push((await first.service.runs.request('home', { actor: 'test' }).done).backup!.stamp);
    }
    const trash = path.join(dest, 'home/.cairn/trash');
    await first.sweeps();
    expect(fs.readdirSync(trash)).toEqual([]);
    expect(fs.existsSync(path.join(dest, 'home', stamps[1]!))).toBe(false);
    expect(fs.readFileSync(path.join(dest, 'home', stamps[2]!, 'src/sub/b.txt'), 'utf8')).toBe('beta');
    expect(listBackups(db, { planId: plan.id })).toHaveLength(2);

    await first.close();
    writeTree(path.join(trash, 'pruned-x.1'), { 'S/d/f.txt': 'left by a sweep cut short' });
    const lines: string[] = [];
    const again = runtime(db, lines);
    rt = again;
    await again.start();
    await again.sweeps();
    expect(fs.readdirSync(trash)).toEqual([]);
  });

  it('tells the local channel and a webhook once when a backup starts failing', async () => {
    const got: string[] = [];
    const s = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        got.push(b);
        res.end('ok');
      });
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { db, rt, src, lines } = setup({ 'a.txt': 'alpha' }, 0);
    writeSettings(
      db,
      { notifications: { webhookUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hook` } },
      Date.now(),
      'test',
    );
    await rt.start();
    await rt.service.runs.request('home', { actor: 'test' }).done;
    fs.rmSync(src, { recursive: true });
    await rt.service.runs.request('home', { actor: 'test' }).done;
    await until(() => got.some((b) => b.includes('"event":"failing"')));
    await new Promise((r) => setTimeout(r, 500)); // a few more ticks: still told once
    expect(got.filter((b) => b.includes('"event":"failing"'))).toHaveLength(1);
    expect(lines.filter((l) => /Backup of home is failing/.test(l))).toHaveLength(1);
  });

  it('holds scheduled backups while paused (kept across a restart); a backup started by hand runs; resume catches up', async () => {
    const { db, rt: first, plan, lines } = setup();
    const until1h = Date.now() + 3600_000;
    expect((await first.service.api().pauseSet({ until: until1h })).ok).toBe(true);
    // A restart reads the pause back from the catalog: the missed run waits.
    await first.close();
    const again = runtime(db, lines);
    rt = again;
    await again.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(listBackups(db, { planId: plan.id, includeFailed: true })).toHaveLength(0);
    const st = await again.service.api().status({});
    expect(st.ok && st.value.pause).toMatchObject({ until: until1h });
    // Resumed: the scheduled run missed during the pause is caught up.
    const r = await again.service.api().pauseSet({ until: null });
    expect(r.ok && r.value.pause).toBeNull();
    await until(() => listBackups(db, { planId: plan.id }).length === 1);
    expect(lines.some((l) => /Starting the missed backup of home/.test(l))).toBe(true);
    // Paused until resumed, Back up now (the user's own) still runs.
    expect((await again.service.api().pauseSet({ until: 'resumed' })).ok).toBe(true);
    const done = again.service.runs.request('home', { actor: 'ui', manual: true }).done;
    expect((await done).outcome).toBe('complete');
    const log = listActivity(db, { kind: 'settings' }).map((a) => a.message);
    expect(log).toContain('Scheduled and after-change backups resumed.');
    expect(log).toContain('Scheduled and after-change backups paused until you resume.');
  });

  it('holds a backup after changes while paused and runs it when resumed', async () => {
    const { db, rt, plan, src, lines } = setup();
    writeSettings(
      db,
      { watch: { enabled: true, autoBackup: true, settleSeconds: 1, minIntervalMinutes: 0 } },
      Date.now(),
      'test',
    );
    await rt.start();
    await until(() => listBackups(db, { planId: plan.id }).length === 1); // the missed run, caught up
    await until(() => rt.watchers.state('home').state === 'watching');
    expect((await rt.service.api().pauseSet({ until: 'resumed' })).ok).toBe(true);
    fs.writeFileSync(path.join(src, 'new.txt'), 'changed while paused');
    await until(() => lines.some((l) => /after-change backup of home waits: backups are paused/.test(l)));
    await new Promise((r) => setTimeout(r, 500));
    expect(listBackups(db, { planId: plan.id })).toHaveLength(1);
    expect((await rt.service.api().pauseSet({ until: null })).ok).toBe(true);
    await until(() => listBackups(db, { planId: plan.id }).length === 2);
    const started = db
      .prepare(`SELECT actor FROM activity WHERE message LIKE 'Backup % started' ORDER BY id DESC`)
      .get() as { actor: string };
    expect(started.actor).toBe('watch');
  });

  it('cancels a running backup on suspend leaving nothing, and catches up after resume', async () => {
    const files: Record<string, string | Buffer> = { 'big.bin': Buffer.alloc(32 << 20, 1) };
    for (let i = 0; i < 1500; i++) files[`d${i % 10}/f${i}`] = `x${i}`.repeat(30);
    const { db, rt, plan, dest } = setup(files);
    let suspended = false;
    rt.service.bus.on((e) => {
      if (!suspended && e.type === 'runProgress' && e.data.phase === 'running' && e.data.files > 0) {
        suspended = true;
        void rt.suspend();
      }
    });
    const finished: string[] = [];
    rt.service.bus.on((e) => e.type === 'runFinished' && finished.push(e.data.outcome));
    await rt.start();
    await until(() => finished.length === 1);
    expect(finished).toEqual(['cancelled']);
    expect(listBackups(db, { planId: plan.id })).toHaveLength(0);
    expect(fs.readdirSync(path.join(dest, 'home', '.cairn', 'partial'))).toEqual([]);
    await new Promise((r) => setTimeout(r, 400));
    expect(finished).toHaveLength(1); // asleep: nothing starts
    rt.resume();
    await until(() => finished.length === 2);
    expect(finished[1]).toBe('complete');
  });

  it('logs a run refused because a CLI backup holds the plan, with the reason, in cairn log and the log', async () => {
    const { db, rt, plan, dest, lines } = setup({ 'a.txt': 'alpha' }, 0);
    fs.mkdirSync(dest, { recursive: true });
    const cli = new JobCoordinator().begin('backup', plan, 'cli'); // as a `cairn backup` in another process
    try {
      const end = await rt.service.runs.request('home', { actor: 'schedule' }).done;
      expect(end.error?.code).toBe('locked');
    } finally {
      cli.end();
    }
    const logged = listActivity(db, { planId: plan.id }).filter((a) => a.level === 'warning');
    expect(logged.map((a) => [a.actor, a.message])).toEqual([
      ['schedule', expect.stringMatching(/^Backup did not start: A backup of home is running since/)],
    ]);
    expect(lines).toContainEqual(
      expect.stringMatching(/^The backup of home did not start: A backup of home is running/),
    );
  });

  it('logs a scheduled run skipped because the backup disk is away', async () => {
    const { db, rt, plan, dest } = setup({ 'a.txt': 'alpha' }, 3);
    fs.rmSync(dest, { recursive: true, force: true });
    await rt.start();
    await until(() => listActivity(db, { planId: plan.id }).some((a) => a.level === 'warning'));
    const warnings = listActivity(db, { planId: plan.id }).filter((a) => a.level === 'warning');
    expect(warnings.map((a) => [a.actor, a.message])).toEqual([
      [
        'schedule',
        `The missed backup did not start: the backup folder ${dest} is not there; it runs when it is back.`,
      ],
    ]);
  });
});
