import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { useFakeService } from '../testing/setup';
import { samplePlan } from '../testing/samples';
import { Retention } from './Retention';
import { ordinal } from '../format';

const STAMPS = ['2026-11-23_021000', '2026-11-22_021000', '2026-11-21_021000', '2026-11-20_021000'];
const policy = {
  keepLast: 0,
  keepDaily: 7,
  keepWeekly: 0,
  keepMonthly: 0,
  keepYearly: 0,
  keepWithinHours: 24,
  keepNotedDays: 30,
};

describe('Retention', () => {
  it('previews the unsaved policy, then saves it', async () => {
    const f = useFakeService({
      retentionGet: () => ({ planName: 'docs', local: policy, drive: null, autoPrune: false }),
      // Keeps as many of the newest as the policy's daily rule says, like the engine would for daily backups.
      retentionPreview: (i) => {
        const days = i.policy?.keepDaily ?? 7;
        return {
          planName: 'docs',
          target: 'local',
          items: STAMPS.map((stamp, n) => ({
            stamp,
            startedAt: 0,
            keep: n < days,
            reasons:
              n < days ? [`newest of ${stamp.slice(0, 10)}, ${ordinal(n + 1)} of the ${days} daily`] : [],
          })),
        };
      },
      retentionSet: (i) => ({
        planName: 'docs',
        local: { ...policy, ...i.local },
        drive: null,
        autoPrune: i.autoPrune ?? false,
      }),
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Retention />);
    expect((await screen.findByTestId('retention-summary')).textContent).toBe('4 kept, 0 to be pruned');
    const daily = screen.getByLabelText('Daily');
    await userEvent.clear(daily);
    await userEvent.type(daily, '2');
    await waitFor(() =>
      expect(screen.getByTestId('retention-summary').textContent).toBe('2 kept, 2 to be pruned'),
    );
    const items = screen.getAllByTestId('timeline-item').map((li) => li.textContent);
    expect(items[1]).toBe('2026-11-22 02:10kept: newest of 2026-11-22, 2nd of the 2 dailyPin…');
    expect(items[3]).toBe('2026-11-20 02:10pruned: no rule keeps itPin…');
    const within = screen.getByLabelText('Every backup of the last (hours)');
    expect((within as HTMLInputElement).value).toBe('24');
    await userEvent.clear(within);
    await userEvent.type(within, '0');
    expect((screen.getByLabelText('Made by hand with a note (days)') as HTMLInputElement).value).toBe('30');
    expect(screen.getByText('Google Drive is not set up for this plan.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save retention' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(f.calls.find((c) => c.method === 'retentionSet')?.input).toMatchObject({
      local: { keepDaily: 2, keepWithinHours: 0, keepNotedDays: 30 },
    });
  });

  it('says next to a field what is wrong with -1 or nothing, and refuses to save until it holds a number', async () => {
    const f = useFakeService({
      retentionGet: () => ({ planName: 'docs', local: policy, drive: null, autoPrune: false }),
      retentionPreview: () => ({ planName: 'docs', target: 'local', items: [] }),
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Retention />);
    const weekly = await screen.findByLabelText('Weekly');
    await userEvent.clear(weekly);
    await userEvent.type(weekly, '-1');
    expect(weekly.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter 0 or more (0 turns this rule off).')).toBeTruthy();
    expect(weekly.getAttribute('aria-describedby')).toBe(screen.getByText(/Enter 0 or more/).id);
    const daily = screen.getByLabelText('Daily');
    await userEvent.clear(daily);
    expect(screen.getByText('Enter a number (0 turns this rule off).')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save retention' }));
    expect(await screen.findByText('Not saved: put a number in each field marked above.')).toBeTruthy();
    expect(f.calls.some((c) => c.method === 'retentionSet')).toBe(false);
    // The preview never asked about a negative count.
    const asked = f.calls.filter((c) => c.method === 'retentionPreview');
    expect(asked.every((c) => (c.input as { policy: { keepWeekly: number } }).policy.keepWeekly >= 0)).toBe(
      true,
    );
    await userEvent.clear(weekly);
    await userEvent.type(weekly, '2');
    await userEvent.type(daily, '5');
    expect(screen.queryByText(/Enter /)).toBeNull();
  });
});
