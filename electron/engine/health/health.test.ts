import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../catalog/backups';
import { assessHealth, ISSUE_STATE, statusExitCode, STATES, type HealthInput } from './health';

const H = 3600_000;
const now = Date.parse('2026-11-23T12:00:00Z');
const plan = { name: 'home', dest: '/media/usb/backups', staleHours: 26, createdAt: now - 100 * H };
const GiB = 1024 ** 3;
const diskAwayError =
  'The backup folder /media/usb/backups is not there; if it is on a disk that is unplugged, plug it in and try again.';

function run(
  hoursAgo: number,
  status: BackupRecord['status'],
  extra: Partial<BackupRecord> = {},
): BackupRecord {
  return {
    id: 1,
    planId: 1,
    planName: 'home',
    stamp: '2026-11-23_020000',
    status,
    startedAt: now - hoursAgo * H - 60_000,
    finishedAt: now - hoursAgo * H,
    files: 10,
    dirs: 1,
    symlinks: 0,
    bytes: 100,
    newFiles: 1,
    newBytes: 10,
    linkedFiles: 9,
    skipped: 0,
    warnings: status === 'warnings' ? 2 : 0,
    note: null,
    pinned: false,
    manual: false,
    safety: false,
    error: status === 'failed' ? 'The source folder /home/a does not exist.' : null,
    verifiedAt: null,
    verifyResult: null,
    ...extra,
  };
}

const good = run(3, 'complete');
const base: HealthInput = { plan, now, lastGood: good, lastRun: good, destPresent: true };
const roomy = { freeBytes: 500 * GiB, totalBytes: 1000 * GiB, fullDays: null };

describe('assessHealth, state by state (the README table)', () => {
  it.each<[string, Partial<HealthInput>, string, string[], number]>([
    ['a fresh good backup', {}, 'healthy', [], 0],
    ['plenty of room on the disk', { space: roomy }, 'healthy', [], 0],
    ['never backed up', { lastGood: undefined, lastRun: undefined }, 'attention', ['no-backup'], 1],
    [
      'the first backup is running',
      { lastGood: undefined, lastRun: undefined, backupRunning: true },
      'first-backup',
      ['first-backup'],
      1,
    ],
    [
      'stale beyond the limit',
      { lastGood: run(30, 'complete'), lastRun: run(30, 'complete') },
      'attention',
      ['stale'],
      1,
    ],
    [
      'last backup with warnings',
      { lastGood: run(3, 'warnings'), lastRun: run(3, 'warnings') },
      'attention',
      ['warnings'],
      1,
    ],
    [
      'verify found the last backup damaged',
      { lastGood: run(3, 'complete', { verifyResult: 'damaged: 1 changed' }) },
      'attention',
      ['damaged'],
      1,
    ],
    [
      'newest run failed',
      { lastGood: run(30, 'complete'), lastRun: run(2, 'failed') },
      'failing',
      ['failed', 'stale'],
      2,
    ],
    [
      'recovered: a good run after a failure',
      { lastGood: run(1, 'complete'), lastRun: run(1, 'complete') },
      'healthy',
      [],
      0,
    ],
    [
      'fresh, but the disk is unplugged: not "Safe"',
      { destPresent: false },
      'waiting-disk',
      ['disk-away'],
      1,
    ],
    [
      'a run failed for want of the disk, still away',
      { lastRun: run(1, 'failed', { error: diskAwayError }), destPresent: false },
      'waiting-disk',
      ['disk-away'],
      1,
    ],
    [
      'the disk is back after that failure: waiting to run, not failing',
      { lastRun: run(1, 'failed', { error: diskAwayError }) },
      'waiting-run',
      ['waiting-run'],
      1,
    ],
    [
      'another failure while the disk is away stays failing',
      { lastGood: run(30, 'complete'), lastRun: run(2, 'failed'), destPresent: false },
      'failing',
      ['failed', 'disk-away', 'stale'],
      2,
    ],
    [
      'no backup and the disk away',
      { lastGood: undefined, lastRun: undefined, destPresent: false },
      'waiting-disk',
      ['disk-away', 'no-backup'],
      1,
    ],
    [
      'less than 5 % free',
      { space: { freeBytes: 40 * GiB, totalBytes: 1000 * GiB, fullDays: null } },
      'attention',
      ['disk-space'],
      1,
    ],
    [
      'less than 2 GiB free',
      { space: { freeBytes: 1.5 * GiB, totalBytes: 20 * GiB, fullDays: null } },
      'attention',
      ['disk-space'],
      1,
    ],
    [
      'full within 14 days at the current growth',
      { space: { ...roomy, fullDays: 9 } },
      'attention',
      ['disk-space'],
      1,
    ],
    [
      'a size jump',
      {
        jump: {
          stamp: '2026-11-23_020000',
          bytes: 300,
          median: 100,
          ratio: 3,
          grew: [{ folder: 'src/Videos', bytes: 200 }],
        },
      },
      'attention',
      ['size-jump'],
      1,
    ],
    [
      "Drive's invalid_grant",
      { drive: { linkError: 'Drive link expired: reconnect.', fullError: null, quota: null } },
      'attention',
      ['drive-link'],
      1,
    ],
    [
      'Drive nearly full',
      { drive: { linkError: null, fullError: null, quota: { used: 14.5 * GiB, limit: 15 * GiB } } },
      'attention',
      ['drive-quota'],
      1,
    ],
    [
      "a push waiting for Google's daily limit (attention, not failing: it says when)",
      {
        drive: {
          linkError: null,
          fullError: null,
          quota: null,
          waiting: "Waiting for Google's daily limit, resumes about 14:05.",
        },
      },
      'attention',
      ['drive-waiting'],
      1,
    ],
    [
      'Drive with room',
      { drive: { linkError: null, fullError: null, quota: { used: 5 * GiB, limit: 15 * GiB } } },
      'healthy',
      [],
      0,
    ],
  ])('%s', (_c, change, state, kinds, exit) => {
    const h = assessHealth({ ...base, ...change });
    expect(h.state).toBe(state);
    expect(h.issues.map((i) => i.kind)).toEqual(kinds);
    expect(h.reasons).toEqual(h.issues.map((i) => i.message));
    expect(STATES[h.state].exitCode).toBe(exit);
    expect(statusExitCode([h.state])).toBe(exit);
  });

  it('names what it found in plain words', () => {
    const h = (change: Partial<HealthInput>) => assessHealth({ ...base, ...change }).reasons.join(' ');
    expect(h({ destPresent: false })).toMatch(/backup disk \(\/media\/usb\/backups\) is not connected/);
    expect(h({ lastRun: run(1, 'failed', { error: diskAwayError }) })).toMatch(/is back.*within a minute/);
    expect(h({ space: { freeBytes: 40 * GiB, totalBytes: 1000 * GiB, fullDays: 12.4 } })).toBe(
      'The backup disk has 40.0 GiB free (4.0% of 1000.0 GiB); full in about 12 days at the current growth: ' +
        'free some space, keep fewer backups or move the plan to a bigger disk.',
    );
    expect(
      h({
        jump: {
          stamp: 'S',
          bytes: 3 * GiB,
          median: GiB,
          ratio: 3,
          grew: [{ folder: 'src/Videos', bytes: 2 * GiB }],
        },
      }),
    ).toMatch(
      /^Backup S is 3\.0 times the usual size \(3\.00 GiB against 1\.00 GiB\); grew most: src\/Videos \(\+2\.00 GiB\)/,
    );
    expect(
      h({ drive: { linkError: null, fullError: null, quota: { used: 14.5 * GiB, limit: 15 * GiB } } }),
    ).toMatch(/Google Drive is 96% full/);
  });

  it('maps states to exit codes: 0 healthy, 1 attention or waiting, 2 failing; the worst plan wins', () => {
    expect(statusExitCode([])).toBe(0);
    expect(statusExitCode(['healthy', 'healthy'])).toBe(0);
    expect(statusExitCode(['healthy', 'first-backup'])).toBe(1);
    expect(statusExitCode(['waiting-run', 'attention'])).toBe(1);
    expect(statusExitCode(['waiting-disk'])).toBe(1);
    expect(statusExitCode(['attention', 'failing'])).toBe(2);
  });
});

describe('the README table', () => {
  it('lists every state with the exit code the model gives it', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` +\|[^|]+\|[^|]+\| (\d) +\|$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(new Set(rows.map(([s]) => s))).toEqual(new Set(Object.keys(STATES)));
    for (const [state, exit] of rows) expect(STATES[state as keyof typeof STATES].exitCode).toBe(exit);
    // One attention row per finding, damage sharing the warnings row.
    const attention = Object.values(ISSUE_STATE).filter((s) => s === 'attention').length;
    expect(rows.filter(([s]) => s === 'attention')).toHaveLength(attention - 1);
  });
});
