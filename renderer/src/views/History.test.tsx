import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { layOut, useFakeService } from '../testing/setup';
import { sampleBackups, samplePlan } from '../testing/samples';
import { filterBackups, History } from './History';

/** jsdom lays nothing out: a row's height here grows with its text, as a browser's would with wrapping. */
function rowHeights(): void {
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.index === undefined
        ? 0
        : 40 + 20 * Math.floor((this.textContent ?? '').length / 120);
    },
  });
}

const translate = (el: HTMLElement) =>
  Number(/translateY\((\d+(?:\.\d+)?)px\)/.exec(el.style.transform)?.[1]);

beforeAll(() => {
  layOut();
  rowHeights();
});

describe('History', () => {
  it('lists 2,000 backups but renders only the rows in view', async () => {
    useFakeService({ backupList: () => ({ backups: sampleBackups(2000), total: 2000 }) });
    appStore.getState().setPlans([samplePlan()]);
    render(<History />);
    expect(await screen.findByText('2,000 of 2,000 backups')).toBeTruthy();
    const rows = within(screen.getByRole('list', { name: 'Backups' })).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]!.textContent).toContain('1,000 files');
  });

  it('filters by pin and by note', async () => {
    useFakeService({ backupList: () => ({ backups: sampleBackups(200), total: 200 }) });
    appStore.getState().setPlans([samplePlan()]);
    render(<History />);
    await screen.findByText('200 of 200 backups');
    await userEvent.click(screen.getByLabelText('pinned only'));
    expect(screen.getByText('1 of 200 backups')).toBeTruthy();
    expect(screen.getByText('before upgrade')).toBeTruthy();
  });

  it('places each row below the one before, however long its note or error', async () => {
    const list = sampleBackups(30);
    list[1] = { ...list[1]!, note: `before restore of ${'Documents/very/long/path/'.repeat(20)}` };
    list[2] = {
      ...list[2]!,
      status: 'failed',
      error: `The backup folder ${'/media/usb/backups/'.repeat(20)} is not there.`,
    };
    useFakeService({ backupList: () => ({ backups: list, total: 30 }) });
    appStore.getState().setPlans([samplePlan()]);
    render(<History />);
    await screen.findByText('30 of 30 backups');
    await waitFor(() => {
      const rows = screen.getAllByTestId('backup-row');
      for (let i = 1; i < 6; i++)
        expect(translate(rows[i]!)).toBe(translate(rows[i - 1]!) + rows[i - 1]!.offsetHeight);
      expect(rows[1]!.offsetHeight).toBeGreaterThan(40);
    });
  });

  it('filters by status', () => {
    const list = sampleBackups(100);
    expect(filterBackups(list, { status: 'warnings', pinnedOnly: false, text: '' })).toHaveLength(2);
    expect(
      filterBackups(list, { status: 'all', pinnedOnly: false, text: '2026-11-2' }).length,
    ).toBeGreaterThan(0);
  });
});
