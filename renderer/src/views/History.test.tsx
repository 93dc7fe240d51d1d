import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { layOut, useFakeService } from '../testing/setup';
import { sampleBackups, samplePlan } from '../testing/samples';
import { filterBackups, History } from './History';

beforeAll(layOut);

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

  it('filters by status', () => {
    const list = sampleBackups(100);
    expect(filterBackups(list, { status: 'warnings', pinnedOnly: false, text: '' })).toHaveLength(2);
    expect(
      filterBackups(list, { status: 'all', pinnedOnly: false, text: '2026-11-2' }).length,
    ).toBeGreaterThan(0);
  });
});
