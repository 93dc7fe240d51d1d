import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dateTime } from '../format';
import { appStore } from '../store/store';
import { useFakeService } from '../testing/setup';
import { samplePlanStatus } from '../testing/samples';
import { PauseBar, startOfTomorrow } from './PauseBar';

const NOW = Date.UTC(2026, 11, 7, 13, 20);

describe('PauseBar', () => {
  it('pauses for an hour, until tomorrow or until resumed, says until when, and resumes', async () => {
    const f = useFakeService({
      pauseSet: (i) => ({
        pause: i.until === null ? null : { since: NOW, until: i.until === 'resumed' ? null : i.until },
      }),
    });
    appStore
      .getState()
      .setStatus({ overall: 'healthy', plans: [samplePlanStatus()], timezone: 'UTC', generatedAt: NOW });
    render(<PauseBar now={() => NOW} />);
    await userEvent.click(screen.getByRole('button', { name: 'Pause for 1 hour' }));
    expect(await screen.findByText(`Paused until ${dateTime(NOW + 3_600_000)}`)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Pause until tomorrow' }));
    expect(await screen.findByText(`Paused until ${dateTime(startOfTomorrow(NOW))}`)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Pause until I resume' }));
    expect(await screen.findByText('Paused until you resume')).toBeTruthy();
    expect(f.calls.filter((c) => c.method === 'pauseSet').map((c) => c.input)).toEqual([
      { until: NOW + 3_600_000 },
      { until: null },
      { until: startOfTomorrow(NOW) },
      { until: null },
      { until: 'resumed' },
    ]);
  });

  it('shows a pause set elsewhere (the tray, cairn pause) from the status', () => {
    useFakeService({});
    appStore.getState().setStatus({
      overall: 'healthy',
      plans: [samplePlanStatus()],
      timezone: 'UTC',
      generatedAt: NOW,
      pause: { since: NOW, until: null },
    });
    render(<PauseBar now={() => NOW} />);
    expect(screen.getByText('Paused until you resume')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeTruthy();
  });
});
