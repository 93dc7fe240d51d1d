import { describe, expect, it } from 'vitest';
import { ago, clockTime, startOfTomorrow } from './timeText';
import { trayInputFrom } from './trayInput';
import type { CairnEvent } from '../../shared/cairnEvents';
import { trayMenu, trayRedrawsNow, trayView, type TrayInput, type TrayPlan } from './trayModel';

const NOW = new Date(2026, 10, 23, 14, 0, 0).getTime();
const H = 3600_000;
const plan = (p: Partial<TrayPlan> = {}): TrayPlan => ({
  name: 'home',
  condition: 'healthy',
  lastGoodAt: NOW - 3 * H,
  ...p,
});
const input = (p: Partial<TrayInput> = {}): TrayInput => ({
  plans: [plan()],
  runs: [],
  pausedUntil: null,
  drive: null,
  ...p,
});

describe('trayView', () => {
  it('is idle and says when the last backup was when all is well', () => {
    const v = trayView(input(), NOW);
    expect(v.icon).toBe('idle');
    expect(v.status[0]).toBe('Last backup 3 h ago');
    expect(v.tooltip).toBe('Cairn: Backups are up to date');
  });

  it('names each plan when there are several', () => {
    const v = trayView(input({ plans: [plan(), plan({ name: 'photos', lastGoodAt: NOW - 26 * H })] }), NOW);
    expect(v.status).toEqual(['home: last backup 3 h ago', 'photos: last backup 1 day ago']);
  });

  it('invites to set up a plan when there is none, and disables Back up now', () => {
    const s = input({ plans: [] });
    expect(trayView(s, NOW)).toMatchObject({ icon: 'idle', status: ['No backup plan yet'] });
    const backup = trayMenu(s, NOW).find((e) => e.kind === 'action' && e.action === 'backup-now');
    expect(backup).toMatchObject({ enabled: false });
  });

  it('shows progress of a run in the tooltip and first status line once the total is counted', () => {
    const run = {
      planName: 'home',
      files: 1234,
      bytesDone: 450_000_000,
      totalBytes: 1_000_000_000,
      counted: true,
      fraction: 0.45,
      etaMs: 90_000,
    };
    const v = trayView(input({ runs: [run] }), NOW);
    expect(v.icon).toBe('running');
    expect(v.tooltip).toBe('Cairn: Backing up home: 45%, 450 MB of 1.0 GB, about 2 min left');
    expect(v.status[0]).toBe(v.tooltip.slice('Cairn: '.length));
    const done = { ...run, bytesDone: run.totalBytes, fraction: 0.99, etaMs: null };
    expect(trayView(input({ runs: [done] }), NOW).tooltip).toBe(
      'Cairn: Backing up home: 99%, 1.0 GB of 1.0 GB, finishing',
    );
  });

  it('while the sources are still being counted, says "at least" and no percentage', () => {
    const run = { planName: 'home', files: 10, bytesDone: 3_400_000, totalBytes: 5_000_000, counted: false };
    const v = trayView(input({ runs: [{ ...run, fraction: null, etaMs: null }] }), NOW);
    expect(v.tooltip).toBe('Cairn: Backing up home: 3.4 MB of at least 5.0 MB, 10 files so far');
  });

  it('is loud about a failing plan, above attention and pause', () => {
    const s = input({
      plans: [
        plan({ condition: 'attention', message: 'the last backup is 2 days old' }),
        plan({ name: 'work', condition: 'failing', message: 'The backup disk is full.' }),
      ],
      pausedUntil: NOW + H,
    });
    const v = trayView(s, NOW);
    expect(v.icon).toBe('error');
    expect(v.tooltip).toBe('Cairn: work: The backup disk is full. (and 1 more)');
    expect(v.status).toContain('home: the last backup is 2 days old');
    expect(v.status).toContain('Schedule paused until 15:00');
  });

  it.each([
    [
      plan({ condition: 'attention', message: 'the last backup is 2 days old' }),
      null,
      'home: the last backup is 2 days old',
    ],
    [plan({ condition: 'attention', message: '3 files were skipped' }), null, 'home: 3 files were skipped'],
    [plan({ condition: 'waiting-disk' }), null, 'home: the backup disk is not connected'],
    [plan({ condition: 'waiting-run' }), null, 'home: the backup disk is back; the backup runs shortly'],
    [plan(), { state: 'disconnected' as const }, 'Google Drive is disconnected'],
    [plan(), { state: 'error' as const, message: 'Drive is full.' }, 'Google Drive: Drive is full.'],
  ])('shows attention for %#', (p, drive, line) => {
    const v = trayView(input({ plans: [p], drive }), NOW);
    expect(v.icon).toBe('attention');
    expect(v.tooltip).toBe(`Cairn: ${line}`);
    expect(v.status).toContain(line);
  });

  it('shows paused with the time the schedule resumes, and a pause that has ended is ignored', () => {
    const v = trayView(input({ pausedUntil: startOfTomorrow(NOW) }), NOW);
    expect(v.icon).toBe('paused');
    expect(v.tooltip).toBe('Cairn: Schedule paused until tomorrow 00:00');
    expect(trayView(input({ pausedUntil: NOW - 1 }), NOW).icon).toBe('idle');
    expect(trayView(input({ pausedUntil: Infinity }), NOW).tooltip).toBe(
      'Cairn: Schedule paused until you resume',
    );
  });

  it('never says all is well when the status cannot be read', () => {
    const v = trayView(input({ plans: [], statusError: 'The catalog is locked.' }), NOW);
    expect(v.icon).toBe('error');
    expect(v.tooltip).toBe('Cairn: Cairn cannot read its status: The catalog is locked.');
    expect(v.status[0]).toBe('Backup status unknown');
    expect(trayInputFrom({ error: 'The catalog is locked.' }, null, null, NOW).statusError).toBe(
      'The catalog is locked.',
    );
  });

  it('keeps the tooltip within the 127 characters Windows shows', () => {
    const long = plan({ condition: 'failing', message: 'x'.repeat(300) });
    expect(trayView(input({ plans: [long] }), NOW).tooltip.length).toBeLessThanOrEqual(127);
  });
});

describe('trayMenu', () => {
  const labels = (s: TrayInput) => trayMenu(s, NOW).map((e) => (e.kind === 'separator' ? '---' : e.label));

  it('lists status, Back up now, the two pauses, Restore, Open and Quit', () => {
    expect(labels(input())).toEqual([
      'Last backup 3 h ago',
      '---',
      'Back up now',
      'Pause schedule for 1 hour',
      'Pause schedule until tomorrow',
      '---',
      'Restore a file…',
      'Open Cairn',
      '---',
      'Quit Cairn',
    ]);
  });

  it('offers Cancel while running and Resume while paused', () => {
    const run = {
      planName: 'home',
      files: 1,
      bytesDone: 1,
      totalBytes: 1,
      counted: false,
      fraction: null,
      etaMs: null,
    };
    const l = labels(input({ runs: [run], pausedUntil: NOW + H }));
    expect(l).toContain('Cancel backup');
    expect(l).toContain('Resume schedule');
    expect(l).not.toContain('Back up now');
    expect(l).not.toContain('Pause schedule for 1 hour');
  });
});

describe('time words', () => {
  it('says how long ago in few characters', () => {
    expect(ago(NOW - 20_000, NOW)).toBe('just now');
    expect(ago(NOW - 12 * 60_000, NOW)).toBe('12 min ago');
    expect(ago(NOW - 3 * H - 59 * 60_000, NOW)).toBe('3 h ago');
    expect(ago(NOW - 49 * H, NOW)).toBe('2 days ago');
    expect(ago(NOW + 5000, NOW)).toBe('just now');
  });

  it('pauses until the next local midnight, across a month end', () => {
    const lastDay = new Date(2026, 10, 30, 23, 30).getTime();
    expect(startOfTomorrow(lastDay)).toBe(new Date(2026, 11, 1, 0, 0).getTime());
    expect(clockTime(new Date(2026, 11, 3, 8, 0).getTime(), lastDay)).toMatch(/3 Dec 08:00$/);
  });
});

describe('trayInputFrom', () => {
  const planStatus = {
    planName: 'home',
    state: 'healthy' as const,
    reasons: [],
    issues: [],
    lastGood: {
      stamp: '2026-11-23_110000',
      finishedAt: NOW - 3 * H,
      status: 'complete' as const,
      ageHours: 3,
    },
    lastRun: null,
    nextRun: null,
    schedule: '0 2 * * *',
    scheduleText: 'At 02:00',
    staleHours: 26,
    changedFiles: 0,
    watch: { state: 'watching' as const, message: null },
    run: null,
    jobs: [],
  };
  const status = { overall: 'healthy' as const, plans: [planStatus], timezone: 'UTC', generatedAt: NOW };
  const drive = {
    connected: false,
    configured: true,
    account: null,
    quota: null,
    encrypted: false,
    folderUrl: null,
    plans: [{ planName: 'home', lastPushAt: NOW - 5 * H, pendingBytes: null, backupsOnDrive: 3 }],
    lastError: { code: 'revoked', message: 'Reconnect Google Drive.', at: NOW - H },
  };

  it("takes the health model's state as it is, and carries the service reason", () => {
    const first = { ...planStatus, state: 'first-backup' as const, lastGood: null };
    const stale = { ...planStatus, state: 'attention' as const, reasons: ['the last backup is 2 days old'] };
    const disk = { ...planStatus, state: 'waiting-disk' as const, reasons: ['The backup disk is away.'] };
    const t = trayInputFrom({ ...status, plans: [first, stale, disk] }, null, null, NOW);
    expect(t.plans.map((p) => [p.condition, p.message])).toEqual([
      ['first-backup', null],
      ['attention', 'the last backup is 2 days old'],
      ['waiting-disk', 'The backup disk is away.'],
    ]);
    const view = trayView(t, NOW);
    expect(view.icon).toBe('attention');
    expect(view.status).toContain('home: the backup disk is not connected');
  });

  it('tells a once-used Drive that lost its connection apart from one never set up', () => {
    expect(trayInputFrom(status, drive, null, NOW).drive).toEqual({
      state: 'disconnected',
      message: 'Reconnect Google Drive.',
    });
    const unused = { ...drive, plans: [], lastError: null };
    expect(trayInputFrom(status, unused, null, NOW).drive).toBeNull();
  });

  it('turns running plans into runs, leaving queued ones out', () => {
    const run = {
      runId: 'r1',
      planName: 'home',
      phase: 'running' as const,
      actor: 'ui',
      stamp: null,
      startedAt: NOW,
      files: 5,
      bytes: 50,
      newFiles: 5,
      newBytes: 50,
      linkedFiles: 0,
      skipped: 0,
      warnings: 0,
      currentPath: 'a',
      elapsedMs: 1000,
      bytesDone: 50,
      bytesPerSecond: 50,
      totalFiles: 10,
      totalBytes: 100,
      counted: true,
      fraction: 0.5,
      etaSeconds: 2,
    };
    const queued = { ...planStatus, planName: 'b', run: { ...run, phase: 'queued' as const } };
    const t = trayInputFrom({ ...status, plans: [{ ...planStatus, run }, queued] }, null, null, NOW);
    expect(t.runs).toEqual([
      {
        planName: 'home',
        files: 5,
        bytesDone: 50,
        totalBytes: 100,
        counted: true,
        fraction: 0.5,
        etaMs: 2000,
      },
    ]);
  });
});

describe('when the tray redraws at once', () => {
  it('on a run starting, changing phase or ending; progress within a phase waits for the batch', () => {
    const phases = new Map<string, string>();
    const progress = (phase: 'queued' | 'running', files = 0) =>
      ({ type: 'runProgress', data: { planName: 'home', phase, files } }) as unknown as CairnEvent;
    expect(trayRedrawsNow(progress('queued'), phases)).toBe(true);
    expect(trayRedrawsNow(progress('running'), phases)).toBe(true);
    expect(trayRedrawsNow(progress('running', 10), phases)).toBe(false);
    const end = {
      type: 'runFinished',
      data: { runId: 'r', planName: 'home', outcome: 'complete', backup: null, error: null },
    };
    expect(trayRedrawsNow(end as CairnEvent, phases)).toBe(true);
    expect(trayRedrawsNow(progress('running'), phases)).toBe(true);
    expect(trayRedrawsNow({ type: 'planChanged', data: {} } as unknown as CairnEvent, phases)).toBe(false);
  });
});
