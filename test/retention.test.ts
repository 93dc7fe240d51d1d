import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestStamps, planLayout, stampsOnDisk } from '../electron/engine/format/layout';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { runBackup } from '../electron/engine/backup/run';
import { listBackups, setPinned } from '../electron/engine/catalog/backups';
import { updatePlan } from '../electron/engine/catalog/plans';
import { restoreBackup } from '../electron/engine/restore/restore';
import { JobCoordinator } from '../electron/engine/app/jobs';
import { pruneOp } from '../electron/engine/app/ops/prune';
import { prunePlan } from '../electron/engine/retention/prune';
import { verifyBackups, verifyTargets } from '../electron/engine/verify/run';
import { cairn, cairnJson } from './helpers/cli';
import { planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

process.env.TZ = 'UTC';
// 400 real backups, each synced to disk: on tmpfs when there is one, so a busy shared disk does not decide
// the test's time.
if (fs.existsSync('/dev/shm') && fs.statfsSync('/dev/shm').bavail * fs.statfsSync('/dev/shm').bsize > 2 ** 30)
  process.env.TMPDIR = '/dev/shm';
const DAY = 86_400_000;

describe('retention over 400 simulated days', () => {
  it('keeps exactly what restic keeps (7 daily, 4 weekly, 12 monthly) and the pinned backup', async () => {
    const k = planKit();
    const t0 = Date.parse('2025-01-01T02:00:00Z');
    for (let i = 0; i < 400; i++) {
      const at = t0 + i * DAY;
      const day = new Date(at).toISOString().slice(0, 10);
      writeTree(k.source, {
        'today.txt': `day ${day}`,
        [`month-${day.slice(0, 7)}.txt`]: day,
        'fixed.txt': 'never changes',
      });
      const { backup } = await runBackup({
        db: k.db,
        plan: k.plan(),
        now: () => at,
        actor: 'schedule',
        secrets: new FileSecretStore(k.dataDir),
      });
      if (day === '2025-02-14') setPinned(k.db, backup.id, true, 'before upgrade');
      prunePlan(k.db, k.plan(), { now: at, actor: 'schedule' });
    }
    // Worked out by hand from the rules (see electron/engine/retention/policy.test.ts): 2026-02-04 is a Wednesday.
    const expected = [
      '2026-02-04',
      '2026-02-03',
      '2026-02-02',
      '2026-02-01',
      '2026-01-31',
      '2026-01-30',
      '2026-01-29', // daily
      '2026-01-25',
      '2026-01-18', // weekly (with Feb 4 and Feb 1)
      '2025-12-31',
      '2025-11-30',
      '2025-10-31',
      '2025-09-30',
      '2025-08-31',
      '2025-07-31',
      '2025-06-30',
      '2025-05-31',
      '2025-04-30',
      '2025-03-31', // monthly (with Feb 4 and Jan 31)
      '2025-02-14', // pinned
    ].map((d) => `${d}_020000`);
    const kept = listBackups(k.db, { planId: k.plan().id }).map((b) => b.stamp);
    expect(kept).toEqual([...expected].sort().reverse());
    const layout = planLayout(k.dest, 'home');
    expect(stampsOnDisk(layout)).toEqual([...expected].sort());
    expect(manifestStamps(layout)).toEqual([...expected].sort());
    expect(fs.readdirSync(layout.partial)).toEqual([]);

    // No version row outlives every backup that held it; kept backups are whole and restore correctly.
    const dead = k.db
      .prepare(
        `SELECT COUNT(*) AS n FROM file_versions v WHERE NOT EXISTS (SELECT 1 FROM backups b WHERE b.plan_id = v.plan_id
         AND b.status <> 'failed' AND b.id >= v.first_backup AND (v.last_backup IS NULL OR b.id <= v.last_backup))`,
      )
      .get() as { n: number };
    expect(dead.n).toBe(0);
    const v = await verifyBackups(k.db, verifyTargets(k.db, { all: true }), { now: Date.now, actor: 'test' });
    expect(v.exitCode).toBe(0);
    const oldest = listBackups(k.db, { planId: k.plan().id }).at(-1)!;
    const to = tempDir('cairn-to-');
    const s = await restoreBackup({
      db: k.db,
      plan: k.plan(),
      backup: oldest,
      to,
      now: Date.now,
      actor: 'test',
    });
    expect(s.failed).toBe(0);
    expect(fs.readFileSync(path.join(to, 'src', 'today.txt'), 'utf8')).toBe('day 2025-02-14');
    expect(fs.readdirSync(path.join(to, 'src')).filter((n) => n.startsWith('month-'))).toEqual([
      'month-2025-01.txt',
      'month-2025-02.txt',
    ]);
  }, 120_000);
});

describe('cairn prune', () => {
  it('previews each backup with its rule, then deletes exactly what it showed', async () => {
    const k = planKit();
    updatePlan(k.db, 'home', { keepDaily: 3, keepWeekly: 0, keepMonthly: 0, keepWithinHours: 0 }, Date.now());
    const t0 = Date.now() - 6 * DAY;
    const stamps: string[] = [];
    for (let i = 0; i < 6; i++) {
      writeTree(k.source, { 'a.txt': `version ${i}` });
      stamps.push((await k.backup({ at: t0 + i * DAY })).stamp);
    }
    expect(cairn(['pin', `home/${stamps[0]}`, '--note', 'before upgrade'], { dataDir: k.dataDir }).code).toBe(
      0,
    );
    const dry = cairn(['prune', '--dry-run'], { dataDir: k.dataDir });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('prune would remove 2 of 6 backup(s)');
    const day = (stamp: string) => stamp.slice(0, 10);
    expect(dry.stdout).toMatch(
      new RegExp(
        `home/${stamps[5]}\\s+keep\\s+newest backup; newest of ${day(stamps[5]!)}, 1st of the 3 daily`,
      ),
    );
    expect(dry.stdout).toMatch(
      new RegExp(`home/${stamps[3]}\\s+keep\\s+newest of ${day(stamps[3]!)}, 3rd of the 3 daily`),
    );
    expect(dry.stdout).toMatch(new RegExp(`home/${stamps[2]}\\s+prune`));
    expect(dry.stdout).toMatch(new RegExp(`home/${stamps[0]}\\s+keep\\s+pinned: before upgrade`));
    expect(stampsOnDisk(planLayout(k.dest, 'home'))).toHaveLength(6);

    // A preview that no longer matches is refused rather than acted on.
    expect(() => prunePlan(k.db, k.plan(), { now: Date.now(), actor: 'test', expect: [stamps[1]!] })).toThrow(
      /changed since the preview/,
    );

    const real = cairn(['prune', 'home'], { dataDir: k.dataDir });
    expect(real.code).toBe(0);
    expect(real.stdout).toContain('removed 2 of 6 backup(s)');
    expect(stampsOnDisk(planLayout(k.dest, 'home'))).toEqual([stamps[0], stamps[3], stamps[4], stamps[5]]);
    expect(cairn(['unpin', `home/${stamps[0]}`], { dataDir: k.dataDir }).code).toBe(0);
    cairn(['prune'], { dataDir: k.dataDir });
    expect(stampsOnDisk(planLayout(k.dest, 'home'))).toEqual([stamps[3], stamps[4], stamps[5]]);
  });
});

describe('a backup being read', () => {
  it('is kept by prune while a restore or verify reads it, and pruned afterwards', async () => {
    const k = planKit();
    updatePlan(
      k.db,
      'home',
      { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepWithinHours: 0 },
      Date.now(),
    );
    writeTree(k.source, { 'a.txt': 'a' });
    const old = await k.backup();
    await k.backup();
    const layout = planLayout(k.dest, 'home');
    // A restore in another process (its job's mark), and the mark of a reader that was killed.
    const elsewhere = new JobCoordinator();
    const reading = elsewhere.begin('restore', k.plan(), 'test', old.stamp);
    const dead = { ...reading.info, id: 'dead', pid: 999_999_999, stamp: '2000-01-01_000000' };
    fs.writeFileSync(path.join(layout.meta, 'jobs', 'dead.json'), JSON.stringify(dead));
    const ops = { db: k.db, jobs: new JobCoordinator(), now: () => Date.now(), actor: 'test' };
    const busy = pruneOp(ops, k.plan());
    expect(busy.pruned).toEqual([]);
    expect(busy.items.find((i) => i.backup.stamp === old.stamp)!.reasons).toEqual([
      'in use by a restore or verify; pruned later',
    ]);
    reading.end();
    expect(pruneOp(ops, k.plan()).pruned).toEqual([old.stamp]);
    expect(fs.readdirSync(path.join(layout.meta, 'jobs')).filter((n) => n.endsWith('.json'))).toEqual([]);
  });
});

describe('backups made by hand with a note (issue 15, item 11)', () => {
  function noteKit(planOptions: string[]) {
    const root = tempDir('cairn-noted-');
    const o = { dataDir: path.join(root, 'data') };
    const src = path.join(root, 'S');
    const dest = path.join(root, 'D');
    writeTree(src, { 'a.txt': 'a' });
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest, ...planOptions], o).code).toBe(0);
    /** Runs `cairn backup` (with --note when one is given), seconds after the one before; its stamp. */
    const backup = (n: number, note?: string): string => {
      writeTree(src, { 'a.txt': `version ${n}` });
      const r = cairnJson<{ stamp: string }>(['backup', 'home', ...(note ? ['--note', note] : [])], o);
      expect(r.code).toBe(0);
      return r.value.stamp;
    };
    const listed = () => cairnJson<{ stamp: string }[]>(['list', 'home'], o).value.map((b) => b.stamp);
    const onDisk = () => stampsOnDisk(planLayout(dest, 'home'));
    return { o, backup, listed, onDisk };
  }

  /** The day a noted backup is kept through: 30 local days after its stamp's date (TZ is UTC here). */
  const through = (stamp: string) => {
    const [y, m, d] = stamp.slice(0, 10).split('-').map(Number);
    return new Date(Date.UTC(y!, m! - 1, d! + 30)).toISOString().slice(0, 10);
  };

  it('keeps all three of three `cairn backup --note` runs seconds apart (the default policy)', () => {
    const k = noteKit([]);
    const stamps = [1, 2, 3].map((n) => k.backup(n, 'before the OS upgrade'));
    expect(k.listed()).toEqual([...stamps].reverse());
    expect(k.onDisk()).toEqual(stamps);
    const dry = cairn(['prune', '--dry-run'], k.o);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('prune would remove 0 of 3 backup(s)');
    expect(dry.stdout).toContain(
      `home/${stamps[1]}  keep  made in the last 24 hours; made by hand with a note, kept 30 days (through ${through(stamps[1]!)}): before the OS upgrade`,
    );
  });

  it('keeps a noted backup by its note alone when keep-within is off; one without a note goes', () => {
    const k = noteKit(['--keep-within', '0']);
    const stamps = [k.backup(1), k.backup(2, 'before the OS upgrade'), k.backup(3), k.backup(4, 'after it')];
    // The newest, the noted ones, and the oldest (the daily rule has room); the plain one between goes.
    expect(k.listed()).toEqual([stamps[3], stamps[1], stamps[0]]);
    expect(k.onDisk()).toEqual([stamps[0], stamps[1], stamps[3]]);
    const items = cairnJson<{ items: { backup: { stamp: string }; reasons: string[] }[] }>(
      ['prune', 'home', '--dry-run'],
      k.o,
    ).value.items;
    expect(items.find((i) => i.backup.stamp === stamps[1])!.reasons).toEqual([
      `made by hand with a note, kept 30 days (through ${through(stamps[1]!)}): before the OS upgrade`,
    ]);
    expect(cairn(['plan', 'show', 'home'], k.o).stdout).toContain(
      'keeps        last 0, daily 7, weekly 4, monthly 12, yearly 0; made by hand with a note 30 days; pinned backups always',
    );
  });
});
