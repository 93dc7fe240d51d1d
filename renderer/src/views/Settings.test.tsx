import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { dateTime } from '../format';
import { appStore } from '../store/store';
import type { FakeApi, Handlers } from '../testing/fakeApi';
import { useFakeService } from '../testing/setup';
import { samplePlan } from '../testing/samples';
import { Settings } from './Settings';

/** The settings the fake service answers with (no notification address yet). */
const SETTINGS = {
  timezone: 'UTC',
  notifications: {
    desktop: true,
    ntfyUrl: null as string | null,
    webhookUrl: null as string | null,
    onSuccess: false,
  },
  verify: { enabled: true, schedule: '30 3 * * 0', samplePercent: 100 },
  watch: { enabled: true, autoBackup: false, settleSeconds: 300, minIntervalMinutes: 60 },
  catchUpDelaySeconds: 120,
  startAtLogin: false,
  theme: 'system' as const,
};

/**
 * A service that answers `settings` and saves notification changes into them, with no plan and nothing
 * running; `more` adds or replaces handlers.
 */
function useFakeSettings(settings: typeof SETTINGS, more: Handlers = {}): FakeApi {
  const f = useFakeService({
    settingsGet: () => settings,
    settingsSet: (p) => ({ ...settings, notifications: { ...settings.notifications, ...p.notifications } }),
    status: () => ({ overall: 'healthy', plans: [], timezone: 'UTC', generatedAt: 0 }),
    runList: () => [],
    planList: () => [],
    ...more,
  });
  appStore.getState().setPlans([]);
  return f;
}

describe('Settings', () => {
  it('describes the schedule, previews what the excludes leave out, and saves the plan', async () => {
    const f = useFakeService({
      settingsGet: () => ({
        ok: false,
        error: { code: 'unavailable', message: 'settingsGet is not available here.' },
      }),
      scheduleDescribe: (i) =>
        i.schedule === '0 2 * * *'
          ? { valid: true, text: 'At 02:00 AM', timezone: 'UTC', nextRuns: [] }
          : {
              valid: false,
              text: 'Use five fields: minute hour day month weekday.',
              timezone: 'UTC',
              nextRuns: [],
            },
      sourcePreview: (i) => ({
        files: 10,
        dirs: 2,
        bytes: 4096,
        excludedFiles: i.excludes.length ? 3 : 0,
        excludedBytes: i.excludes.length ? 1024 : 0,
        excluded: i.excludes.length
          ? [
              {
                path: '/home/u/Documents/node_modules',
                isDir: true,
                files: 3,
                bytes: 1024,
                pattern: 'node_modules/',
              },
            ]
          : [],
        complete: true,
        unreadable: [],
        elapsedMs: 3,
      }),
      planUpdate: (i) => ({ ...samplePlan(), excludes: i.patch.excludes ?? [] }),
      status: () => ({ overall: 'healthy', plans: [], timezone: 'UTC', generatedAt: 0 }),
      runList: () => [],
      planList: () => [{ ...samplePlan(), excludes: ['node_modules/'], updatedAt: 1_800_000_000_000 }],
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Settings />);
    expect(await screen.findByText('At 02:00 AM (UTC)')).toBeTruthy();
    expect((screen.getByLabelText('Schedule') as HTMLSelectElement).value).toBe('daily');
    await userEvent.selectOptions(screen.getByLabelText('Schedule'), 'cron');
    const schedule = screen.getByLabelText('Schedule (cron)');
    expect((schedule as HTMLInputElement).value).toBe('0 2 * * *');
    await userEvent.clear(schedule);
    await userEvent.type(schedule, 'daily');
    expect(await screen.findByText(/Use five fields/)).toBeTruthy();
    await userEvent.clear(schedule);
    await userEvent.type(schedule, '0 2 * * *');
    await userEvent.type(screen.getByLabelText(/^Leave out/), 'node_modules/');
    await userEvent.click(screen.getByRole('button', { name: 'Preview what is backed up' }));
    expect(await screen.findByText(/10 files, 4.0 KB to back up; 3 files \(1.0 KB\) left out/)).toBeTruthy();
    expect(screen.getByText('/home/u/Documents/node_modules')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save plan' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'planUpdate')?.input).toMatchObject({
        plan: 'docs',
        patch: { excludes: ['node_modules/'], schedule: '0 2 * * *', staleHours: 48 },
      }),
    );
    // The snapshot comes back with the plan's new update time: the confirmation and the preview stay.
    await waitFor(() => expect(f.calls.filter((c) => c.method === 'planList').length).toBeGreaterThan(0));
    expect(await screen.findByText('Saved plan docs.')).toBeTruthy();
    expect(screen.getByText('/home/u/Documents/node_modules')).toBeTruthy();
    // Until the next edit.
    await userEvent.type(screen.getByLabelText(/^Leave out/), '\n*.iso');
    expect(screen.queryByText('Saved plan docs.')).toBeNull();
    expect(screen.getByText('settingsGet is not available here.')).toBeTruthy();
  });

  it('shows a notification address redacted and saves it only when edited', async () => {
    const shown = 'https://***@ntfy.example.org/alerts?token=***';
    const settings = { ...SETTINGS, notifications: { ...SETTINGS.notifications, ntfyUrl: shown } };
    const f = useFakeSettings(settings);
    render(<Settings />);
    const server = (await screen.findByLabelText('ntfy server')) as HTMLInputElement;
    const ntfy = screen.getByLabelText('ntfy topic') as HTMLInputElement;
    expect([server.value, ntfy.value]).toEqual(['https://***@ntfy.example.org', 'alerts?token=***']);
    await userEvent.click(ntfy);
    await userEvent.tab(); // left unchanged: nothing is sent, the stored address stays
    expect(f.calls.filter((c) => c.method === 'settingsSet')).toEqual([]);
    const hook = screen.getByLabelText(/^Webhook URL/);
    await userEvent.type(hook, 'https://hooks.example.org/cairn{Enter}');
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'settingsSet')?.input).toEqual({
        notifications: { webhookUrl: 'https://hooks.example.org/cairn' },
      }),
    );
  });
});

describe('Notification settings', () => {
  const settings = SETTINGS;

  it('composes the ntfy URL from a server and a topic, checks them as typed, and reports a test per channel', async () => {
    const f = useFakeSettings(settings, {
      notifyTest: () => ({
        sent: ['log', 'ntfy'],
        failed: [{ channel: 'webhook', message: 'The webhook at hooks.example.org answered 500.' }],
      }),
    });
    render(<Settings />);
    const server = (await screen.findByLabelText('ntfy server')) as HTMLInputElement;
    expect(server.value).toBe('https://ntfy.sh');
    const topic = screen.getByLabelText('ntfy topic');
    await userEvent.type(topic, 'my backups{Enter}');
    expect(screen.getByText(/A topic has letters, digits/)).toBeTruthy();
    expect(topic.getAttribute('aria-invalid')).toBe('true');
    expect(f.calls.filter((c) => c.method === 'settingsSet')).toEqual([]);
    await userEvent.clear(server);
    await userEvent.type(server, 'ntfy.example.org{Enter}');
    expect(screen.getByText('Give the whole address, starting with https://')).toBeTruthy();
    await userEvent.clear(server);
    await userEvent.type(server, 'http://127.0.0.1:8080/');
    await userEvent.clear(topic);
    await userEvent.type(topic, 'backups-7f3a{Enter}');
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'settingsSet')?.input).toEqual({
        notifications: { ntfyUrl: 'http://127.0.0.1:8080/backups-7f3a' },
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Send a test notification' }));
    const report = await screen.findByRole('list', { name: 'Test notification' });
    expect(
      within(report)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'The cairn serve log: sent',
      'ntfy: sent',
      'Webhook: failed: The webhook at hooks.example.org answered 500.',
    ]);
  });

  it('says how start at login is done under cairn serve, and where it cannot be', async () => {
    const note = 'Cairn wrote the systemd user unit /home/u/.config/systemd/user/cairn-serve.service.';
    let on = false;
    useFakeSettings(settings, {
      settingsGet: () => ({ ...settings, startAtLogin: on, startAtLoginSupported: true }),
      settingsSet: (p) => {
        on = p.startAtLogin ?? on;
        return { ...settings, startAtLogin: on, startAtLoginNote: note, startAtLoginSupported: true };
      },
    });
    render(<Settings />);
    const box = (await screen.findByLabelText('Start Cairn when I log in')) as HTMLInputElement;
    await userEvent.click(box);
    expect(await screen.findByText(note)).toBeTruthy();
    expect(box.checked).toBe(true);
    // Desktop notifications are the app's; under serve the log always has them, and the page says so.
    expect(screen.getByLabelText(/Desktop notifications/).closest('label')!.textContent).toMatch(
      /cairn serve writes them to its log/,
    );
  });
});

describe('Schedule presets', () => {
  it('sets an hourly schedule, says it in words and lists the next runs', async () => {
    const runs = [Date.UTC(2026, 10, 23, 13), Date.UTC(2026, 10, 23, 14), Date.UTC(2026, 10, 23, 15)];
    const f = useFakeService({
      settingsGet: () => ({ ok: false, error: { code: 'unavailable', message: 'no settings' } }),
      scheduleDescribe: (i) => ({
        valid: true,
        text: i.schedule === '0 * * * *' ? 'Every hour' : 'At 02:00 AM',
        timezone: 'UTC',
        nextRuns: i.schedule === '0 * * * *' ? runs : [],
      }),
      planUpdate: (i) => ({ ...samplePlan(), schedule: i.patch.schedule ?? '' }),
      status: () => ({ overall: 'healthy', plans: [], timezone: 'UTC', generatedAt: 0 }),
      runList: () => [],
      planList: () => [samplePlan()],
    });
    appStore.getState().setPlans([samplePlan()]);
    render(<Settings />);
    await userEvent.selectOptions(await screen.findByLabelText('Schedule'), 'hourly');
    expect(await screen.findByText('Every hour (UTC)')).toBeTruthy();
    const listed = within(screen.getByRole('list', { name: 'Next runs' })).getAllByRole('listitem');
    expect(listed.map((li) => li.textContent)).toEqual(runs.map(dateTime));
    await userEvent.click(screen.getByRole('button', { name: 'Save plan' }));
    await waitFor(() =>
      expect(f.calls.find((c) => c.method === 'planUpdate')?.input).toMatchObject({
        patch: { schedule: '0 * * * *' },
      }),
    );
  });

  it('reads an expression no preset writes as advanced, and refuses a stale limit that is no number', async () => {
    useFakeService({
      settingsGet: () => ({ ok: false, error: { code: 'unavailable', message: 'no settings' } }),
      scheduleDescribe: () => ({ valid: true, text: 'Every 15 minutes', timezone: 'UTC', nextRuns: [] }),
      status: () => ({ overall: 'healthy', plans: [], timezone: 'UTC', generatedAt: 0 }),
      runList: () => [],
      planList: () => [],
    });
    const plan = { ...samplePlan(), schedule: '*/15 * * * *' };
    appStore.getState().setPlans([plan]);
    render(<Settings />);
    expect(((await screen.findByLabelText('Schedule')) as HTMLSelectElement).value).toBe('cron');
    expect((screen.getByLabelText('Schedule (cron)') as HTMLInputElement).value).toBe('*/15 * * * *');
    const stale = screen.getByLabelText(/Warn when no backup was made for/);
    expect(screen.getByText(/older than 48 hours/)).toBeTruthy();
    await userEvent.clear(stale);
    expect(screen.getByText('Use a whole number of hours from 1.')).toBeTruthy();
  });
});
