import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFakeService } from '../testing/setup';
import { sampleBackups } from '../testing/samples';
import { Activity } from './Activity';

const entry = (id: number, level: 'info' | 'warning', message: string) => ({
  id,
  at: Date.UTC(2026, 10, 23, 2, 11),
  planName: 'docs',
  backupId: 3,
  kind: 'backup' as const,
  level,
  actor: 'schedule',
  message,
  details: null,
});

describe('Activity', () => {
  it('filters by level and shows the skipped files of a run with warnings', async () => {
    const backups = sampleBackups(10);
    const f = useFakeService({
      activityList: (i) => ({
        entries: [
          entry(2, 'warning', 'Backup finished with 1 warning.'),
          entry(1, 'info', 'Backup finished.'),
        ].filter((e) => !i.level || e.level === i.level),
        nextBeforeId: null,
      }),
      backupList: () => ({ backups, total: 10 }),
      backupGet: (i) => ({
        backup: backups.find((b) => b.stamp === i.stamp)!,
        sources: [{ label: 'Documents', path: '/home/u/Documents' }],
        folder: '/backups/docs/x',
        warnings: [{ path: 'Documents/locked.db', message: 'permission denied' }],
      }),
    });
    render(<Activity />);
    expect(await screen.findByText('Backup finished.')).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText('Level'), 'warning');
    await screen.findByText('Backup finished with 1 warning.');
    expect(screen.queryByText('Backup finished.')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Show skipped files' }));
    expect(await screen.findByText('Documents/locked.db')).toBeTruthy();
    expect(f.calls.find((c) => c.method === 'backupGet')?.input).toEqual({
      plan: 'docs',
      stamp: backups[7]!.stamp,
    });
  });

  it('writes the figures of a message as the other views do, not as raw numbers', async () => {
    useFakeService({
      activityList: () => ({
        entries: [
          entry(
            1,
            'info',
            'Backup 2026-11-23_021100 completed: 7264 files, 12 new or changed (116445950 bytes)',
          ),
        ],
        nextBeforeId: null,
      }),
    });
    render(<Activity />);
    expect(
      await screen.findByText('Backup 2026-11-23_021100 completed: 7,264 files, 12 new or changed (111 MB)'),
    ).toBeTruthy();
  });
});
