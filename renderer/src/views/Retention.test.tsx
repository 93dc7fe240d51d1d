import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { useFakeService } from '../testing/setup';
import { samplePlan } from '../testing/samples';
import { Retention } from './Retention';

const STAMPS = ['2026-11-23_021000', '2026-11-22_021000', '2026-11-21_021000', '2026-11-20_021000'];
const policy = { keepLast: 0, keepDaily: 7, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };

describe('Retention', () => {
  it('previews the unsaved policy, then saves it', async () => {
    const f = useFakeService({
      retentionGet: () => ({ planName: 'docs', local: policy, drive: null, autoPrune: false }),
      // Keeps as many of the newest as the policy's daily rule says, like the engine would for daily backups.
      retentionPreview: (i) => ({
        planName: 'docs',
        target: 'local',
        items: STAMPS.map((stamp, n) => ({
          stamp,
          startedAt: 0,
          keep: n < i.policy!.keepDaily,
          reasons: n < i.policy!.keepDaily ? [`daily ${n + 1} of ${i.policy!.keepDaily}`] : [],
        })),
      }),
      retentionSet: (i) => ({
        planName: 'docs',
        local: i.local!,
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
    expect(screen.getByText('daily 2 of 2')).toBeTruthy();
    expect(screen.getByText('Google Drive is not set up for this plan.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save retention' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(f.calls.find((c) => c.method === 'retentionSet')?.input).toMatchObject({
      local: { keepDaily: 2 },
    });
  });
});
