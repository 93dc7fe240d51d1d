// End to end: Debian Chromium against a real `cairn serve` on a temp data dir and real temp folders, from
// the empty state to a first backup, history, browse, restore (elsewhere, in place, undone), retention
// preview, and a failing plan. Screenshots of each view land in test-results/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/tmp';
import { findFile } from '../helpers/tree';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const B_TXT = 'second file, version one\n'.repeat(40);

const { start, api } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let source: string;
let dest: string;
let base: string;

/** The backup folders of plan docs on the destination. */
const stampDirs = () =>
  fs.readdirSync(path.join(dest, 'docs')).filter((d) => /^\d{4}-\d\d-\d\d_\d{6}$/.test(d));

async function go(view: string): Promise<void> {
  await page.goto(`${base}/#/${view}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

beforeAll(async () => {
  const root = tempDir('cairn-e2e-');
  source = path.join(root, 'Documents');
  dest = path.join(root, 'backups');
  fs.mkdirSync(path.join(source, 'sub', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(source, 'a.txt'), 'first file\n');
  fs.writeFileSync(path.join(source, 'sub', 'b.txt'), B_TXT);
  fs.writeFileSync(path.join(source, 'sub', 'deep', 'c.bin'), Buffer.alloc(70_000, 7));
  // The desktop app's stricter policy (no inline styles at all): the UI must work under it too.
  ({ served, browser, page, base } = await start(path.join(root, 'data'), 15_000));
});

describe('the UI against cairn serve', () => {
  it('creates a plan from the empty state and makes the first backup', async () => {
    await page.goto(`${base}/#token=${served.token}`);
    await page.getByRole('heading', { name: 'Welcome to Cairn' }).waitFor();
    await screenshot(page, '0-empty-state');
    await page.getByLabel('Name of this backup plan').fill('docs');
    await page.getByLabel('Folder to back up').fill(source);
    await page.getByLabel('Where to keep the backups').fill(dest);
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('The backup finished.').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('plan-state').textContent()).toBe('Safe');
    await expect.poll(() => page.getByText(/^today \d\d:\d\d, just now/).count()).toBeGreaterThan(0);
    await screenshot(page, '1-overview');
  });

  it('shows the backup in history with its counts', async () => {
    await go('history');
    const row = page.getByTestId('backup-row');
    await expect.poll(() => row.count()).toBe(1);
    const text = (await row.first().textContent()) ?? '';
    expect(text).toContain('3 files');
    expect(text).toContain('complete');
    await screenshot(page, '2-history');
  });

  it('browses into a folder and restores one file to another folder, byte for byte', async () => {
    await page
      .getByTestId('backup-row')
      .first()
      .getByRole('button', { name: /^Browse the backup/ })
      .click();
    await page.getByRole('heading', { name: 'Browse and restore' }).waitFor();
    await page.getByLabel('Find a file in every backup').fill('b.txt');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Documents/sub/b.txt', { exact: true }).waitFor();
    expect(await page.getByText(/in 1 backup from/).count()).toBe(1);
    await page.getByRole('button', { name: 'Close results' }).click();
    await page.getByRole('button', { name: 'Documents/' }).click();
    await page.getByRole('button', { name: 'sub/' }).click();
    await page.getByRole('checkbox', { name: 'Select b.txt' }).check();
    await screenshot(page, '3-browse');
    await page.getByRole('button', { name: /Restore 1 selected/ }).click();
    const dialog = page.getByRole('dialog');
    const target = tempDir('cairn-e2e-restore-');
    await dialog.getByLabel('Restore into').fill(target);
    await dialog.getByRole('button', { name: 'Check what would happen' }).click();
    await expect.poll(() => dialog.getByTestId('restore-summary').textContent()).toContain('1 file,');
    await screenshot(page, '4-restore-dialog');
    await dialog.getByRole('button', { name: 'Restore now' }).click();
    await dialog.getByText('Restored.').waitFor();
    const restored = findFile(target, 'b.txt');
    expect(restored).not.toBeNull();
    expect(fs.readFileSync(restored!, 'utf8')).toBe(B_TXT);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  /** Restores the selected b.txt in place through the dialog (it was edited first); returns the dialog. */
  async function restoreInPlace(file: string) {
    fs.writeFileSync(file, 'edited by mistake\n');
    await page.getByRole('button', { name: /Restore 1 selected/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('The original location').check();
    await dialog.getByText(/"before restore" backup/).waitFor();
    await dialog.getByRole('button', { name: 'Check what would happen' }).click();
    await expect
      .poll(() => dialog.getByTestId('restore-summary').textContent())
      .toContain('1 existing file would be replaced');
    await dialog.getByRole('button', { name: 'Restore now' }).click();
    await dialog.getByText('Restored.').waitFor();
    await dialog.getByText(/pinned until .* \(14 days\) or until you undo this restore/).waitFor();
    expect(fs.readFileSync(file, 'utf8')).toBe(B_TXT);
    return dialog;
  }

  it('restores in place and undoes it, with the undo button disabled while it runs and after', async () => {
    const file = path.join(source, 'sub', 'b.txt');
    const other = path.join(source, 'a.txt');
    const dialog = await restoreInPlace(file);
    // Work done after the restore on a file it did not touch: the undo leaves it.
    fs.writeFileSync(other, 'first file, edited after the restore\n');
    // The undo request is held in flight until the button has been looked at.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/restoreUndo', async (route) => {
      await held;
      await route.continue();
    });
    const undo = dialog.getByTestId('undo-restore');
    await undo.click();
    await expect.poll(() => undo.textContent()).toBe('Undoing…');
    expect(await undo.isDisabled()).toBe(true);
    await screenshot(page, '4a-restore-undoing');
    await undo.click({ force: true }); // a second click does nothing
    release();
    await dialog.getByText(/^Undone: the 1 path this restore changed/).waitFor();
    await page.unroute('**/api/restoreUndo');
    expect(await undo.isDisabled()).toBe(true);
    expect(await undo.textContent()).toBe('Restore undone');
    expect(fs.readFileSync(file, 'utf8')).toBe('edited by mistake\n');
    expect(fs.readFileSync(other, 'utf8')).toBe('first file, edited after the restore\n');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('keeps a file changed since the restore and names it in the undo', async () => {
    const file = path.join(source, 'sub', 'b.txt');
    const dialog = await restoreInPlace(file);
    fs.writeFileSync(file, 'changed again after the restore\n');
    await dialog.getByRole('button', { name: 'Undo this restore' }).click();
    await dialog
      .getByText(/^Partly undone: 0 paths put back as before the restore, 1 left as it is/)
      .waitFor();
    await dialog.getByText('Documents/sub/b.txt: changed since the restore').waitFor();
    expect(fs.readFileSync(file, 'utf8')).toBe('changed again after the restore\n');
    await screenshot(page, '4b-restore-undone-kept');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('previews a retention change before saving it, then prunes what it showed', async () => {
    const seen = new Set(stampDirs());
    await go('overview');
    await page.getByRole('button', { name: 'Back up now' }).click();
    // "The backup finished." may still show from the first backup: wait for this one, and its auto-prune
    // (which removes the "before restore" backups the undos above handed back to retention).
    await expect.poll(() => stampDirs().some((d) => !seen.has(d)), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => api<unknown[]>('runList'), { timeout: 30_000 }).toEqual([]);
    await go('retention');
    const summary = page.getByTestId('retention-summary');
    await summary.waitFor();
    const before = await summary.textContent();
    const items = await page.getByTestId('timeline-item').count();
    expect(items).toBeGreaterThanOrEqual(2);
    for (const f of ['Daily', 'Weekly', 'Monthly', 'Yearly']) await page.getByLabel(f).first().fill('0');
    await page.getByLabel('Last backups').first().fill('1');
    await page.getByLabel('Every backup of the last (hours)').fill('0');
    // Every keystroke previews again; the last policy (keep only the newest) prunes the older unpinned ones.
    await page.getByText(/the last backup \(keep-last 1\)/).waitFor();
    await expect.poll(() => page.getByText('pruned', { exact: true }).count()).toBeGreaterThan(0);
    expect(await summary.textContent()).not.toBe(before);
    expect(await summary.textContent()).toMatch(/^\d+ kept, [1-9]\d* to be pruned$/);
    await screenshot(page, '5-retention');
    await page.getByRole('button', { name: 'Save retention' }).click();
    await page.getByText('Saved.').waitFor();
    const prunedStamp = (await page
      .getByTestId('timeline-item')
      .filter({ hasText: 'pruned' })
      .first()
      .locator('span')
      .first()
      .textContent())!.replace(/[-: ]/g, '');
    // The label is to the minute, or to the second when another backup shares its minute.
    const prunedDir = stampDirs().find((d) => d.replace(/[-_]/g, '').startsWith(prunedStamp));
    expect(prunedDir).toBeDefined();
    await page.getByRole('button', { name: 'Prune now…' }).click();
    await page.getByRole('button', { name: /^Delete \d+ backups$/ }).click();
    await page.getByText(/^Pruned \d+ backups/).waitFor();
    expect(stampDirs()).not.toContain(prunedDir);
  });

  it('shows the Drive, Settings and Activity views', async () => {
    await go('drive');
    await page
      .getByText(/Not connected|Connected as/)
      .first()
      .waitFor();
    await screenshot(page, '6-drive');
    await go('settings');
    await page.getByRole('heading', { name: 'Plan docs' }).waitFor();
    await page.getByRole('button', { name: 'Preview what is backed up' }).click();
    await page.getByText(/3 files, .* to back up/).waitFor();
    await screenshot(page, '7-settings');
    await go('activity');
    await expect.poll(() => page.getByTestId('activity-row').count()).toBeGreaterThan(0);
    await screenshot(page, '8-activity');
    await page.emulateMedia({ colorScheme: 'dark' });
    await go('overview');
    await screenshot(page, '1-overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows a failing plan when its source folder is gone', async () => {
    fs.rmSync(source, { recursive: true, force: true });
    await go('overview');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByText(/The backup failed/).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('plan-state').textContent()).toBe('Failing');
    await screenshot(page, '9-failing');
    expect(browser.problems).toEqual([]);
  });
});
