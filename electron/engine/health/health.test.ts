import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../catalog/backups';
import { assessHealth, statusExitCode } from './health';

const H = 3600_000;
const now = Date.parse('2026-11-23T12:00:00Z');
const plan = { dest: '/media/usb/backups', staleHours: 26, createdAt: now - 100 * H };

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
    error: status === 'failed' ? 'The source folder /home/a does not exist.' : null,
    verifiedAt: null,
    verifyResult: null,
    ...extra,
  };
}

describe('assessHealth', () => {
  it.each([
    ['fresh good backup', run(3, 'complete'), run(3, 'complete'), true, 'healthy'],
    ['stale beyond the limit', run(30, 'complete'), run(30, 'complete'), true, 'attention'],
    ['last backup with warnings', run(3, 'warnings'), run(3, 'warnings'), true, 'attention'],
    ['newest run failed', run(30, 'complete'), run(2, 'failed'), true, 'failing'],
    ['failed while the disk is unplugged', run(30, 'complete'), run(2, 'failed'), false, 'waiting-disk'],
    ['stale and the disk is unplugged', run(30, 'complete'), run(30, 'complete'), false, 'waiting-disk'],
    ['fresh, disk unplugged: still safe', run(3, 'complete'), run(3, 'complete'), false, 'healthy'],
    ['never backed up', undefined, undefined, true, 'attention'],
    [
      'verify found the last backup damaged',
      run(3, 'complete', { verifyResult: 'damaged: 1 changed' }),
      run(3, 'complete'),
      true,
      'attention',
    ],
    ['recovered: a good run after a failure', run(1, 'complete'), run(1, 'complete'), true, 'healthy'],
  ] as const)('%s', (_c, lastGood, lastRun, destPresent, state) => {
    expect(assessHealth({ plan, now, lastGood, lastRun, destPresent }).state).toBe(state);
  });

  it('maps states to exit codes: 0 healthy, 1 attention, 2 failing', () => {
    expect(statusExitCode([])).toBe(0);
    expect(statusExitCode(['healthy', 'healthy'])).toBe(0);
    expect(statusExitCode(['healthy', 'attention'])).toBe(1);
    expect(statusExitCode(['waiting-disk'])).toBe(1);
    expect(statusExitCode(['attention', 'failing'])).toBe(2);
  });
});
