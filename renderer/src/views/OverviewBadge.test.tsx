import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appStore } from '../store/store';
import { useFakeService } from '../testing/setup';
import { sampleDriveOff, samplePlanStatus, sampleStatus } from '../testing/samples';
import { Overview } from './Overview';

const drive = sampleDriveOff();

describe('Overview badge', () => {
  // The badge follows the health model's state (README "Is it safe?"): only healthy is the green "Safe".
  it.each([
    ['healthy', 'Safe'],
    ['first-backup', 'First backup running'],
    ['waiting-run', 'Waiting to run'],
    ['attention', 'Needs attention'],
    ['waiting-disk', 'Backup disk not connected'],
    ['failing', 'Failing'],
  ] as const)('%s reads "%s"', (state, words) => {
    useFakeService({ backupList: () => ({ backups: [], total: 0 }), driveStatus: () => drive });
    appStore.getState().setStatus(sampleStatus([samplePlanStatus({ state })]));
    render(<Overview />);
    const badge = screen.getByTestId('plan-state');
    expect(badge.textContent).toBe(words);
    expect(badge.className).toBe(`state state-${state}`);
  });
});
