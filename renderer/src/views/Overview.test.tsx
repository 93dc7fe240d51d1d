import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { useFakeService } from '../testing/setup';
import { sampleBackups, sampleDriveOff, samplePlanStatus, sampleRun, sampleStatus } from '../testing/samples';
import { Overview } from './Overview';

const drive = sampleDriveOff();

describe('Overview', () => {
  it('says whether the plan is safe, when the last good backup was, and what changed since', async () => {
    useFakeService({ backupList: () => ({ backups: sampleBackups(5), total: 5 }), driveStatus: () => drive });
    appStore.getState().setStatus(sampleStatus());
    render(<Overview />);
    expect(screen.getByText('Safe')).toHaveProperty('className', 'state state-healthy');
    expect(screen.getByText('yesterday 21:30, 3 hours ago')).toBeTruthy(); // the fixed clock is 00:30
    expect(screen.getByText('12 files')).toBeTruthy();
    expect(await screen.findByText('not connected')).toBeTruthy();
    expect(await screen.findByRole('img', { name: 'Backup size and new bytes per backup' })).toBeTruthy();
  });

  it('shows a failing plan in words with its reasons', () => {
    useFakeService({ backupList: () => ({ backups: [], total: 0 }), driveStatus: () => drive });
    appStore.getState().setStatus(
      sampleStatus([
        samplePlanStatus({
          state: 'failing',
          reasons: ['The source folder /home/u/Documents is missing.'],
        }),
      ]),
    );
    render(<Overview />);
    expect(screen.getByText('Failing').className).toContain('state-failing');
    expect(screen.getByText('The source folder /home/u/Documents is missing.')).toBeTruthy();
  });

  it("says a push waits for Google's daily limit: attention with when, beside the Drive facts", async () => {
    const waiting = "Waiting for Google's daily limit, resumes about 14:05.";
    const onDrive = {
      ...drive,
      connected: true,
      configured: true,
      plans: [
        { planName: 'docs', lastPushAt: null, pendingBytes: 0, backupsOnDrive: 2, resumesAt: 1, waiting },
      ],
    };
    useFakeService({ backupList: () => ({ backups: [], total: 0 }), driveStatus: () => onDrive });
    const reason = `Google Drive: ${waiting} The push goes on by itself.`;
    appStore
      .getState()
      .setStatus(sampleStatus([samplePlanStatus({ state: 'attention', reasons: [reason] })]));
    render(<Overview />);
    expect(screen.getByText('Needs attention')).toBeTruthy();
    expect(screen.getByText(reason)).toBeTruthy();
    expect(await screen.findByText(`2 backups on Drive, last push never. ${waiting}`)).toBeTruthy();
  });

  it('starts a backup, shows its live figures and cancels it', async () => {
    const f = useFakeService({
      backupList: () => ({ backups: [], total: 0 }),
      driveStatus: () => drive,
      runNow: () => ({ run: sampleRun({ phase: 'queued', files: 0, bytes: 0 }), alreadyRunning: false }),
      runCancel: () => ({ cancelled: true }),
    });
    appStore.getState().setStatus(sampleStatus());
    render(<Overview />);
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(await screen.findByText('Waiting for the run before it…')).toBeTruthy();
    act(() => appStore.getState().applyRunProgress(sampleRun()));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByText('5.0 MB of 10 MB (240 files), 2.0 MB/s, about 3 s left')).toBeTruthy();
    expect(screen.getByText('Documents/report.odt')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(f.calls.map((c) => c.method)).toContain('runCancel');
    act(() =>
      appStore
        .getState()
        .applyRunFinished({ runId: 'r1', planName: 'docs', outcome: 'cancelled', backup: null, error: null }),
    );
    await waitFor(() => expect(screen.getByText(/cancelled; nothing was left behind/)).toBeTruthy());
  });

  it('shows the service message when Drive status is unavailable', async () => {
    useFakeService({ backupList: () => ({ backups: [], total: 0 }) });
    appStore.getState().setStatus(sampleStatus());
    render(<Overview />);
    expect(await screen.findByText('driveStatus is not available here.')).toBeTruthy();
  });
});
