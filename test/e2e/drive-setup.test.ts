// End to end, issue 16 items 5 and 6, in Debian Chromium against a real `cairn serve` built without an
// OAuth client: the Drive page greets a new user with the steps to make one (a link to Google Cloud
// console, the fields) and no error; the client entered there connects through the consent page (the
// Drive emulator's), its secret kept in the secret store, not the catalog; then the Retention view sets a
// Drive policy, previews which backups on Drive it keeps and by which rule, saves it and prunes Drive.
// Screenshots: test-results/screenshots/11-drive-no-client.png, 12-drive-connected.png, 13-retention-drive.png.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openCatalog } from '../../electron/engine/catalog/db';
import { kvGet } from '../../electron/engine/catalog/kv';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../../electron/engine/drive/pack/settings';
import { spawnEmulator, type SpawnedEmulator } from '../drive-emulator/spawn';
import { cairn } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

let emu: SpawnedEmulator;
afterAll(async () => {
  await emu?.stop();
});
const { start, api } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let dataDir: string;

const status = () => api<{ connected: boolean; plans: { backupsOnDrive: number }[] }>('driveStatus');

beforeAll(async () => {
  emu = await spawnEmulator();
  const root = tempDir('cairn-e2e-drive-');
  const source = path.join(root, 'Documents');
  fs.mkdirSync(source);
  dataDir = path.join(root, 'data');
  const add = ['plan', 'add', 'docs', '--source', source, '--dest', path.join(root, 'backups')];
  expect(cairn([...add, '--keep-within', '0', '--no-auto-prune'], { dataDir }).code).toBe(0);
  const db = openCatalog(dataDir);
  setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, false);
  db.close();
  for (let i = 1; i <= 3; i++) {
    fs.writeFileSync(path.join(source, 'a.txt'), `version ${i}\n`);
    expect(cairn(['backup', 'docs'], { dataDir }).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // one backup a second at most (stamps are seconds)
  }
  // The emulator's endpoints, but no OAuth client and no refresh token: a new user's first start.
  const { CAIRN_DRIVE_REFRESH_TOKEN: _t, ...env } = emu.env;
  const noClient = { ...env, CAIRN_GOOGLE_CLIENT_ID: '', CAIRN_GOOGLE_CLIENT_SECRET: '' };
  ({ served, browser, page } = await start(dataDir, 30_000, noClient));
}, 120_000);

describe('Google Drive set up from the browser UI', () => {
  it('shows the steps to make an OAuth client, with no error, and connects with the one entered', async () => {
    await page.goto(`http://127.0.0.1:${served.port}/#token=${served.token}`);
    await page.goto(`http://127.0.0.1:${served.port}/#/drive`);
    await page.getByText('This copy of Cairn has no Google sign-in built in').waitFor();
    expect(await page.getByRole('link', { name: 'Google Cloud console' }).getAttribute('href')).toBe(
      'https://console.cloud.google.com/apis/credentials',
    );
    expect(await page.getByText('rebuild from Drive on another computer you need').count()).toBe(1);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('.error').count()).toBe(0);
    await screenshot(page, '11-drive-no-client');
    const connect = page.getByRole('button', { name: 'Connect Google Drive' });
    expect(await connect.isDisabled()).toBe(true);
    await page.getByLabel('Client ID').fill(emu.clientId);
    await page.getByLabel('Client secret').fill(emu.clientSecret);
    await connect.click();
    // Google's consent page (the emulator's) sends the browser back to Cairn's loopback address.
    const popup = page.context().waitForEvent('page');
    await page.getByRole('link', { name: "Open Google's consent page" }).click();
    await (await popup).waitForLoadState();
    await expect.poll(async () => (await status()).connected, { timeout: 30_000 }).toBe(true);
    await page.getByRole('button', { name: 'Check again' }).click();
    await page.getByText(/^Connected as \S+@/).waitFor();
    await page.getByText(`Cairn signs in as the OAuth client ${emu.clientId} (your own)`).waitFor();
    await screenshot(page, '12-drive-connected');
    // The client ID in the catalog; its secret in the secret store only.
    const db = openCatalog(dataDir);
    expect(kvGet(db, DRIVE_SETTING_KEYS.clientId)).toBe(emu.clientId);
    expect(JSON.stringify(db.prepare('SELECT * FROM settings').all())).not.toContain(emu.clientSecret);
    db.close();
    expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain(emu.clientSecret);
    await page.getByRole('button', { name: 'Upload now' }).click();
    await expect.poll(async () => (await status()).plans[0]?.backupsOnDrive, { timeout: 60_000 }).toBe(3);
  });

  it('sets the Drive retention in the Retention view, previews it by rule, saves and prunes Drive', async () => {
    await page.goto(`http://127.0.0.1:${served.port}/#/retention`);
    await page.getByRole('heading', { name: 'Backups kept on Google Drive' }).waitFor();
    await page.getByRole('radio', { name: 'Google Drive' }).check();
    const summary = page.getByTestId('retention-summary');
    // Until set, Drive follows the local rules: the newest of the day and the oldest.
    await expect.poll(() => summary.textContent()).toBe('2 kept, 1 to be pruned');
    for (const [rule, n] of [
      ['keepLast', '2'],
      ['keepDaily', '0'],
      ['keepWeekly', '0'],
      ['keepMonthly', '0'],
    ])
      await page.locator(`#drive-${rule}`).fill(n!);
    await expect.poll(() => summary.textContent()).toBe('2 kept, 1 to be pruned');
    const items = page.getByTestId('timeline-item');
    await expect
      .poll(async () => (await items.allTextContents()).join('|'))
      .toMatch(/kept.*one of the last 2 backups\|.*kept.*one of the last 2 backups\|.*pruned/);
    await page.locator('#drive-keepLast').fill('1');
    await expect.poll(() => summary.textContent()).toBe('1 kept, 2 to be pruned');
    expect(await items.first().textContent()).toContain('the last backup (keep-last 1)');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = await api<{ local: { keepLast: number }; drive: { keepLast: number } }>('retentionGet', {
      plan: 'docs',
    });
    expect(saved.drive).toMatchObject({ keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 });
    expect(saved.local.keepLast).toBe(0);
    await screenshot(page, '13-retention-drive');
    await page.getByRole('button', { name: 'Prune now…' }).click();
    await page.getByRole('button', { name: 'Delete 2 backups' }).click();
    await page.getByText(/^Pruned 2 backups/).waitFor({ timeout: 60_000 });
    expect((await status()).plans[0]?.backupsOnDrive).toBe(1);
    expect(browser.problems).toEqual([]);
  });
});
