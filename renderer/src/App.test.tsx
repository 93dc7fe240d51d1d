import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { loadSnapshot } from './bridge';
import { api } from './client';
import { appStore } from './store/store';
import { useFakeService } from './testing/setup';
import { sampleBackups, samplePlan, sampleRun, sampleStatus } from './testing/samples';

const settings = {
  timezone: 'UTC',
  notifications: { desktop: true, ntfyUrl: null, webhookUrl: null, onSuccess: false },
  verify: { enabled: false, schedule: '0 4 * * 0', samplePercent: 5 },
  watch: { enabled: true, autoBackup: false, settleSeconds: 30, minIntervalMinutes: 60 },
  catchUpDelaySeconds: 120,
  startAtLogin: false,
  theme: 'dark' as const,
};

describe('App', () => {
  it('asks for the printed address when the page has no token', () => {
    render(<App connected={false} />);
    expect(screen.getByRole('alert').textContent).toMatch(/address Cairn printed/);
  });

  it('shows the first-run screen while there is no plan', async () => {
    useFakeService({
      status: () => sampleStatus([]),
      runList: () => [],
      planList: () => [],
      settingsGet: () => settings,
    });
    await loadSnapshot(appStore, api());
    render(<App connected />);
    expect(await screen.findByRole('heading', { name: 'Welcome to Cairn' })).toBeTruthy();
  });

  it('shows the view the address names, marks it in the navigation, and applies the saved theme', async () => {
    useFakeService({
      status: () => sampleStatus(),
      runList: () => [],
      planList: () => [samplePlan()],
      settingsGet: () => settings,
      backupList: () => ({ backups: sampleBackups(3), total: 3 }),
    });
    await loadSnapshot(appStore, api());
    render(<App connected />);
    act(() => appStore.getState().setView('history'));
    expect(await screen.findByRole('heading', { name: 'History', level: 1 })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'History' }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByRole('link', { name: 'Overview' }).getAttribute('href')).toBe('#/overview');
    await screen.findByText('3 of 3 backups');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('shows a backup in progress on every view, with its percentage once counted', async () => {
    useFakeService({
      status: () => sampleStatus(),
      runList: () => [],
      planList: () => [samplePlan()],
      settingsGet: () => settings,
      backupList: () => ({ backups: sampleBackups(3), total: 3 }),
      activityList: () => ({ entries: [], nextBeforeId: null }),
    });
    await loadSnapshot(appStore, api());
    render(<App connected />);
    act(() => appStore.getState().setView('activity'));
    expect(screen.queryByRole('list', { name: 'Backups running' })).toBeNull();
    act(() => appStore.getState().applyRunProgress(sampleRun({ fraction: null, counted: false })));
    const link = await screen.findByRole('link', { name: 'Backing up docs…' });
    expect(link.getAttribute('href')).toBe('#/overview');
    act(() => appStore.getState().setView('history'));
    act(() => appStore.getState().applyRunProgress(sampleRun()));
    expect(await screen.findByRole('link', { name: 'Backing up docs… 50%' })).toBeTruthy();
  });
});
