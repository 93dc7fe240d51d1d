// End to end, issue 17 item 4 (set-up without a terminal, part B), in Debian Chromium against a real
// `cairn serve`: a plan's source folder chosen with Cairn's folder browser (clicks only), a SQLite database
// added to the plan from the UI, backed up and test-restored ("Test restore now"), and the restore dialog
// saying where each selection lands, the files then found there byte for byte.
// Screenshots: test-results/screenshots/17-sources-*.png.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/tmp';
import { writeTree } from '../helpers/tree';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const { start, api, settle: backupsSettle } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let base: string;
let home: string;
let dest: string;
let appDb: string;

/** axe-core's serious and critical findings on the page (injected by evaluate: the CSP allows no script tag). */
async function axeProblems(): Promise<string[]> {
  await page.evaluate(fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8'));
  // A string, run in the page: this file is compiled without the DOM's types.
  const found = (await page.evaluate(
    `axe.run().then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
  )) as { id: string; impact: string; nodes: number }[];
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes})`);
}

async function go(view: string): Promise<void> {
  await page.goto(`${base}/#/${view}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

beforeAll(async () => {
  const root = tempDir('cairn-e2e-sources-');
  // The serve process's home folder: where the folder browser opens.
  home = path.join(root, 'home');
  writeTree(path.join(home, 'Documents'), {
    'a.txt': 'first file\n',
    'sub/b.txt': 'second file\n'.repeat(50),
    'sub/deep/c.bin': Buffer.alloc(30_000, 9),
  });
  fs.mkdirSync(path.join(home, '.config'));
  fs.mkdirSync(path.join(home, 'restored'));
  dest = path.join(root, 'backups');
  appDb = path.join(home, 'app.sqlite');
  const d = new Database(appDb);
  d.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
          INSERT INTO notes (body) VALUES ('one'), ('two'), ('three');`);
  d.close();
  ({ served, browser, page, base } = await start(path.join(root, 'data'), 20_000, { HOME: home }));
}, 60_000);

describe('set-up without a terminal, under cairn serve', () => {
  it('creates a plan whose source folder is chosen in the folder browser, by clicks', async () => {
    await page.goto(`${base}/#token=${served.token}`);
    await page.getByRole('heading', { name: 'Welcome to Cairn' }).waitFor();
    await page.getByLabel('Name of this backup plan').fill('docs');
    const field = page.locator('.field').filter({ has: page.getByLabel('Folder to back up') });
    const choose = field.getByRole('button', { name: 'Choose…' });
    await choose.click();
    const browserDialog = page.getByRole('dialog', { name: 'Folder to back up' });
    const list = browserDialog.getByRole('list', { name: `Folders in ${home}` });
    await list.waitFor();
    // Folders only, hidden ones left out until asked for.
    expect(await list.getByRole('button').allTextContents()).toEqual(['Documents', 'restored']);
    await browserDialog.getByLabel('Show hidden folders').check();
    await list.getByRole('button', { name: '.config' }).waitFor();
    await list.getByRole('button', { name: 'Documents' }).click();
    await browserDialog.getByRole('list', { name: `Folders in ${path.join(home, 'Documents')}` }).waitFor();
    await screenshot(page, '17-sources-1-folder-browser');
    expect(await axeProblems()).toEqual([]);
    await browserDialog.getByRole('button', { name: 'Choose this folder' }).click();
    await browserDialog.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Folder to back up').inputValue()).toBe(path.join(home, 'Documents'));
    expect(await choose.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.getByLabel('Where to keep the backups').fill(dest);
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await backupsSettle(1);
    const plan = await api<{ sources: { path: string }[] }>('planGet', { plan: 'docs' });
    expect(plan.sources.map((s) => s.path)).toEqual([path.join(home, 'Documents')]);
  });

  it('adds a SQLite database to the plan from the UI, backs it up, and "Test restore now" passes', async () => {
    await go('settings');
    await page.getByRole('button', { name: 'Add a database…' }).click();
    const form = page.getByRole('form', { name: 'Add a database' });
    await form.getByLabel('SQLite file').check();
    await form.getByLabel('Database file').fill('app.sqlite');
    await form.getByRole('button', { name: 'Add database' }).click();
    await form.getByText('Give the full path of the file, starting with /.').waitFor();
    await form.getByLabel('Database file').fill(appDb);
    await screenshot(page, '17-sources-2-add-database');
    expect(await axeProblems()).toEqual([]);
    await form.getByRole('button', { name: 'Add database' }).click();
    await page.getByText('Added app; it is dumped before each backup.').waitFor();
    const item = page.getByRole('list', { name: 'Databases of docs' }).getByRole('listitem');
    await item.getByText('never; the next backup dumps it').waitFor();

    await go('overview');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await backupsSettle(2);
    const stamp = (await api<{ backups: { stamp: string }[] }>('backupList', { plan: 'docs' })).backups[0]!
      .stamp;
    expect(fs.existsSync(path.join(dest, 'docs', stamp, 'app', 'app.sqlite'))).toBe(true);

    await go('settings');
    await item.getByRole('button', { name: 'Test restore now' }).click();
    await item
      .getByRole('status')
      .getByText(/^Test restore passed: integrity_check ok on a scratch copy \(1 table\(s\), \d+ bytes\)\.$/)
      .waitFor({ timeout: 30_000 });
    await item.getByText(/^test restore passed on /).waitFor();
    await screenshot(page, '17-sources-3-test-restore');
    const [v] = await api<{ lastRestoreTest: { ok: boolean; stamp: string } }[]>('dbSourceList', {
      plan: 'docs',
    });
    expect(v!.lastRestoreTest).toMatchObject({ ok: true, stamp });
  });

  it('says where each selection lands before the restore, and the files are there after', async () => {
    await go('browse/docs');
    await page.getByRole('button', { name: 'Documents/' }).click();
    await page.getByRole('checkbox', { name: 'Select a.txt' }).check();
    await page.getByRole('checkbox', { name: 'Select sub' }).check();
    await page.getByRole('button', { name: /Restore 2 selected/ }).click();
    const dialog = page.getByRole('dialog', { name: /^Restore 2 selected items/ });
    // The target chosen with the folder browser too, over the restore dialog.
    await dialog.getByRole('button', { name: 'Choose…' }).click();
    const picker = page.getByRole('dialog', { name: 'Restore into' });
    await picker
      .getByRole('list', { name: `Folders in ${home}` })
      .getByRole('button', { name: 'restored' })
      .click();
    await picker.getByTestId('browse-path').getByText(path.join(home, 'restored')).waitFor();
    await picker.getByRole('button', { name: 'Choose this folder' }).click();
    await picker.waitFor({ state: 'detached' });
    const target = path.join(home, 'restored');
    expect(await dialog.getByLabel('Restore into').inputValue()).toBe(target);
    const landing = dialog.getByTestId('restore-landing');
    await expect
      .poll(() => landing.getByRole('listitem').allTextContents())
      .toEqual([`Documents/a.txt → ${target}/Documents/a.txt`, `Documents/sub → ${target}/Documents/sub`]);
    await dialog.getByLabel('The original location').check();
    await expect
      .poll(() => landing.getByRole('listitem').allTextContents())
      .toEqual([`Documents/a.txt → ${home}/Documents/a.txt`, `Documents/sub → ${home}/Documents/sub`]);
    await dialog.getByLabel('Another folder').check();
    await dialog.getByRole('button', { name: 'Check what would happen' }).click();
    await expect.poll(() => dialog.getByTestId('restore-summary').textContent()).toContain('3 files,');
    await screenshot(page, '17-sources-4-restore-lands');
    expect(await axeProblems()).toEqual([]);
    await dialog.getByRole('button', { name: 'Restore now' }).click();
    await dialog.getByText('Restored.').waitFor();
    await dialog.getByText('Where the files are').waitFor();
    // Under serve: the folder as text to copy, no file manager button.
    await dialog.locator('.selectable', { hasText: target }).waitFor();
    expect(await dialog.getByRole('button', { name: /Open folder/ }).count()).toBe(0);
    await screenshot(page, '17-sources-5-restored');
    const src = path.join(home, 'Documents');
    for (const rel of ['a.txt', 'sub/b.txt', 'sub/deep/c.bin'])
      expect(fs.readFileSync(path.join(target, 'Documents', rel))).toEqual(
        fs.readFileSync(path.join(src, rel)),
      );
    expect(browser.problems).toEqual([]);
  });
});
