// End to end, issue 17 item 4 (set-up without a terminal), against a real `cairn serve` in Debian Chromium:
// an hourly schedule preset with its next runs, Save plan's confirmation that stays, pause and resume,
// ntfy as a server and a topic received by a local HTTP listener, and start at login writing a systemd
// user unit (HOME and XDG folders in a temp folder). Screenshots: test-results/screenshots/17-setup-*.png.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cairn } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const { serve, open, api: value } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let root: string;
let ntfy: http.Server;
const received: { url: string; title: string; body: string }[] = [];

async function go(view: string): Promise<void> {
  await page.goto(`http://127.0.0.1:${served.port}/#token=${served.token}`);
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
  await page.goto(`http://127.0.0.1:${served.port}/#/${view}`);
}

beforeAll(async () => {
  root = tempDir('cairn-e2e-setup-');
  const source = path.join(root, 'Documents');
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, 'a.txt'), 'alpha\n');
  const dataDir = path.join(root, 'data');
  const add = ['plan', 'add', 'docs', '--source', source, '--dest', path.join(root, 'backups')];
  expect(cairn(add, { dataDir }).code).toBe(0);
  // A systemd user manager "runs": its runtime folder is there (nothing is started from it).
  fs.mkdirSync(path.join(root, 'run', 'systemd'), { recursive: true });
  served = await serve(dataDir, {
    HOME: path.join(root, 'home'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_RUNTIME_DIR: path.join(root, 'run'),
  });
  ntfy = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', title: String(req.headers.title ?? ''), body });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => ntfy.listen(0, '127.0.0.1', r));
  browser = await open(30_000);
  page = browser.page;
});

afterAll(async () => {
  await new Promise((r) => ntfy?.close(r));
});

describe('set-up without a terminal', () => {
  it('sets an hourly preset and lists the next runs; Save plan says so and it stays', async () => {
    await go('settings');
    await page.getByLabel('Schedule', { exact: true }).selectOption('hourly');
    const runs = page.getByRole('list', { name: 'Next runs' }).getByRole('listitem');
    await expect.poll(() => runs.count()).toBe(3);
    await page.getByRole('button', { name: 'Save plan' }).click();
    const saved = page.getByText('Saved plan docs.');
    await saved.waitFor();
    expect((await value<{ schedule: string }>('planGet', { plan: 'docs' })).schedule).toBe('0 * * * *');
    // The snapshot reloads after saving; the confirmation is still there a moment later.
    await page.waitForTimeout(1500);
    expect(await saved.isVisible()).toBe(true);
    await screenshot(page, '17-setup-1-schedule');
    const status = await value<{ plans: { scheduleText: string }[] }>('status');
    expect(status.plans[0]!.scheduleText).toMatch(/hour/i);
  });

  it('pauses for an hour (the status says until when) and resumes', async () => {
    await go('overview');
    const before = Date.now();
    await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
    const bar = page.getByRole('region', { name: 'Pause backups' });
    await bar.getByText(/^Paused until \d{4}-\d\d-\d\d \d\d:\d\d$/).waitFor();
    // The plan's next run says it too.
    await page
      .getByRole('definition')
      .filter({ hasText: /^Paused until / })
      .waitFor();
    const paused = await value<{ pause: { until: number } | null }>('status');
    expect(paused.pause!.until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(paused.pause!.until).toBeLessThan(Date.now() + 3_600_000 + 1000);
    await screenshot(page, '17-setup-2-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause until I resume' }).waitFor();
    expect((await value<{ pause: unknown }>('status')).pause ?? null).toBeNull();
  });

  it('sends the test notification to an ntfy server and topic on 127.0.0.1', async () => {
    await go('settings');
    const port = (ntfy.address() as AddressInfo).port;
    await page.getByLabel('ntfy server').fill(`http://127.0.0.1:${port}`);
    await page.getByLabel('ntfy topic').fill('cairn-e2e');
    await page.getByLabel('ntfy topic').press('Enter');
    await expect
      .poll(
        async () =>
          (await value<{ notifications: { ntfyUrl: string } }>('settingsGet')).notifications.ntfyUrl,
      )
      .toBe(`http://127.0.0.1:${port}/cairn-e2e`);
    await page.getByRole('button', { name: 'Send a test notification' }).click();
    await page.getByRole('list', { name: 'Test notification' }).getByText('ntfy: sent').waitFor();
    expect(received).toEqual([
      {
        url: '/cairn-e2e',
        title: expect.stringMatching(/: Cairn test notification$/),
        body: 'Notifications from Cairn reach you here.',
      },
    ]);
    await screenshot(page, '17-setup-3-notifications');
  });

  it('start at login writes a systemd user unit running this cairn serve, and unchecking removes it', async () => {
    await go('settings');
    const unit = path.join(root, 'config', 'systemd', 'user', 'cairn-serve.service');
    const box = page.getByLabel('Start Cairn when I log in');
    // A controlled checkbox: it shows what the service answered (the file written), so click, then wait.
    await box.click();
    await page
      .getByText(
        `Cairn wrote the systemd user unit ${unit}. Switch it on once with: systemctl --user enable cairn-serve`,
      )
      .waitFor();
    expect(await box.isChecked()).toBe(true);
    const text = fs.readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart=\/\S+ \/\S+\/cairn\.mjs --data-dir \S+ serve$/m);
    await screenshot(page, '17-setup-4-login');
    // Reloaded, it stays checked: the file is the truth.
    await go('settings');
    expect(await page.getByLabel('Start Cairn when I log in').isChecked()).toBe(true);
    await page.getByLabel('Start Cairn when I log in').click();
    await expect.poll(() => fs.existsSync(unit)).toBe(false);
    await page.getByText(/Switching this on writes a systemd user unit/).waitFor();
    expect(await page.getByLabel('Start Cairn when I log in').isChecked()).toBe(false);
  });
});
