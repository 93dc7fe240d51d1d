import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { stampText } from '../format';
import { navigate } from '../route';
import { appStore } from '../store/store';
import { sampleBackups, samplePlan } from '../testing/samples';
import { layOut, useFakeService } from '../testing/setup';
import { History } from './History';

beforeAll(layOut);

const list = sampleBackups(5);
const b = list[1]!;

/** A service that answers what the details panel asks, with one warning and two log entries. */
function useDetailsService(over: { pinned?: boolean } = {}) {
  const backups = list.map((x) => (x.id === b.id ? { ...x, pinned: over.pinned ?? false } : x));
  return useFakeService({
    backupList: () => ({ backups, total: backups.length }),
    backupGet: () => ({
      backup: { ...b, manual: false },
      sources: [{ label: 'Documents', path: '/home/u/Documents' }],
      folder: `/backups/docs/${b.stamp}`,
      warnings: [{ path: 'Documents/locked.db', message: 'could not be read: permission denied' }],
    }),
    activityList: () => ({
      entries: [
        {
          id: 9,
          at: b.finishedAt,
          planName: 'docs',
          backupId: b.id,
          kind: 'backup',
          level: 'info',
          actor: 'schedule',
          message: 'Backup docs finished',
          details: null,
        },
      ],
      nextBeforeId: null,
    }),
    verify: () => ({
      results: [
        {
          planName: 'docs',
          stamp: b.stamp,
          intact: true,
          checkedFiles: 3,
          checkedBytes: 2048,
          missing: [],
          changed: [],
          extra: [],
          verifiedAt: b.finishedAt + 1,
        },
      ],
    }),
    backupPin: (i) => ({ ...b, pinned: true, note: i.note ?? null }),
    backupRemovePreview: () => ({
      planName: 'docs',
      stamp: b.stamp,
      startedAt: b.startedAt,
      freedFiles: 2,
      freedBytes: 3 * 1024 * 1024,
      pinned: over.pinned ?? false,
      newest: false,
      only: false,
      refusals: over.pinned ? ['It is pinned ("keep"); unpin it first if you really want it gone.'] : [],
      warnings: ['Its copy on Google Drive, if any, is not touched: Drive keeps its own retention.'],
    }),
    backupRemove: (i) => ({
      planName: 'docs',
      stamp: i.stamp,
      startedAt: b.startedAt,
      freedFiles: 2,
      freedBytes: 3 * 1024 * 1024,
      pinned: false,
      newest: false,
      only: false,
      refusals: [],
      warnings: [],
    }),
  });
}

async function openDetails() {
  appStore.getState().setPlans([samplePlan()]);
  render(<History />);
  await screen.findByText('5 of 5 backups');
  const row = screen.getAllByTestId('backup-row').find((r) => r.dataset.stamp === b.stamp)!;
  await userEvent.click(within(row).getByRole('button', { name: /^2026/ }));
  return screen.findByRole('dialog', { name: /Backup of/ });
}

describe('History details', () => {
  it('opens from a row at #/history/PLAN/STAMP with the log, warnings and folder; Esc goes back to the row', async () => {
    const f = useDetailsService();
    const dialog = await openDetails();
    expect(window.location.hash).toBe(`#/history/docs/${b.stamp}`);
    expect(await within(dialog).findByText('Backup docs finished')).toBeTruthy();
    expect(f.calls.find((c) => c.method === 'activityList')!.input).toMatchObject({ backupId: b.id });
    expect(await within(dialog).findByText('Documents/locked.db')).toBeTruthy();
    expect(within(dialog).getByText(`/backups/docs/${b.stamp}`)).toBeTruthy();
    expect(within(dialog).queryByText('Open in file manager')).toBeNull(); // not in the app
    expect(within(dialog).getByText('This plan does not use Google Drive.')).toBeTruthy();
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(window.location.hash).toBe('#/history/docs');
    expect(document.activeElement?.closest('[data-stamp]')?.getAttribute('data-stamp')).toBe(b.stamp);
  });

  it('verifies now, and pins with a note', async () => {
    const f = useDetailsService();
    const dialog = await openDetails();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Verify now' }));
    expect(await within(dialog).findByText(/Intact: 3 files \(2.0 KB\) read back/)).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pin…' }));
    await userEvent.type(within(dialog).getByLabelText('Note'), 'before the move');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pin' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'backupPin')!.input).toEqual({
        plan: 'docs',
        stamp: b.stamp,
        note: 'before the move',
      }),
    );
  });

  it('removes after a confirmation that names the date and the bytes, then shows the plan', async () => {
    const f = useDetailsService();
    const dialog = await openDetails();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove this backup…' }));
    const confirm = await screen.findByTestId('remove-dialog');
    expect(await within(confirm).findByText(/frees 3.0 MB \(2 files/)).toBeTruthy();
    expect(within(confirm).getByText(/Google Drive, if any, is not touched/)).toBeTruthy();
    await userEvent.click(
      within(confirm).getByRole('button', { name: `Remove the backup of ${stampText(b.stamp)} (3.0 MB)` }),
    );
    await waitFor(() => expect(window.location.hash).toBe('#/history/docs'));
    expect(f.calls.find((c) => c.method === 'backupRemove')!.input).toEqual({
      plan: 'docs',
      stamp: b.stamp,
      confirm: true,
    });
  });

  it('refuses to remove a pinned backup, saying why', async () => {
    const f = useDetailsService({ pinned: true });
    act(() => navigate({ view: 'history', plan: 'docs', stamp: b.stamp }));
    const dialog = await openDetails();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove this backup…' }));
    const confirm = await screen.findByTestId('remove-dialog');
    expect(await within(confirm).findByText(/It is pinned/)).toBeTruthy();
    expect(
      (within(confirm).getByRole('button', { name: /^Remove the backup/ }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(f.calls.some((c) => c.method === 'backupRemove')).toBe(false);
  });
});
