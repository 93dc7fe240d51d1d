// End to end, issue 17 item 1: a file changed across five backups (made through the API of a real `cairn
// serve`), its timeline opened from Browse by clicking its name in Debian Chromium; the third-newest version
// restored elsewhere byte for byte, two versions diffed, the download checked, and a reload of the #/file/...
// address landing on the same file. Screenshots: test-results/screenshots/17-timeline-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cairn } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { findFile } from '../helpers/tree';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const app = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let source: string;
let base: string;

/** Version i of notes.txt: one line edited in every version, one line more each time. */
const version = (i: number) =>
  ['Notes', `edited in version ${i}`, ...Array.from({ length: i }, (_, k) => `extra line ${k + 1}`)].join(
    '\n',
  ) + '\n';

beforeAll(async () => {
  const root = tempDir('cairn-e2e-timeline-');
  source = path.join(root, 'Documents');
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, 'other.txt'), 'unchanged\n');
  const dataDir = path.join(root, 'data');
  const dest = path.join(root, 'backups');
  expect(cairn(['plan', 'add', 'docs', '--source', source, '--dest', dest], { dataDir }).code).toBe(0);
  ({ served, browser, page, base } = await app.start(dataDir, 30_000));
});

const versionRows = () => page.getByRole('list', { name: 'Versions, newest first' }).getByRole('listitem');

describe('the file timeline', () => {
  it('has a file changed across five backups made through the API', async () => {
    for (let i = 1; i <= 5; i++) {
      fs.writeFileSync(path.join(source, 'notes.txt'), version(i));
      const at = new Date(2026, 10, 20 + i, 9, 30).getTime() / 1000;
      fs.utimesSync(path.join(source, 'notes.txt'), at, at);
      await app.backUp();
      expect(await app.stamps()).toHaveLength(i);
    }
  });

  it('opens from Browse by clicking the file, and restores the third-newest version elsewhere byte for byte', async () => {
    await page.goto(`${base}/#token=${served.token}`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByRole('link', { name: 'Browse and restore' }).click();
    await page.getByRole('button', { name: 'Documents/' }).click();
    await page.getByRole('button', { name: 'notes.txt' }).click();
    await page.getByRole('heading', { name: 'File timeline' }).waitFor();
    await expect.poll(() => versionRows().count()).toBe(5);
    await page.getByText(/^5 versions in 5 backups of plan docs/).waitFor();
    expect(await page.getByLabel('Content of notes.txt').textContent()).toBe(version(5));
    await screenshot(page, '17-timeline-1-versions');

    const newestFirst = (await app.stamps()).slice(0, 5);
    await versionRows().nth(2).getByRole('button').click();
    await expect
      .poll(() => new URL(page.url()).hash)
      .toBe(`#/file/docs/${newestFirst[2]}/Documents/notes.txt`);
    await expect.poll(() => page.getByLabel('Content of notes.txt').textContent()).toBe(version(3));
    await page.getByRole('button', { name: 'Restore this version…' }).click();
    const dialog = page.getByRole('dialog');
    const target = tempDir('cairn-e2e-timeline-restore-');
    await dialog.getByLabel('Restore into').fill(target);
    await dialog.getByRole('button', { name: 'Check what would happen' }).click();
    await expect.poll(() => dialog.getByTestId('restore-summary').textContent()).toContain('1 file,');
    await dialog.getByRole('button', { name: 'Restore now' }).click();
    await dialog.getByText('Restored.').waitFor();
    await screenshot(page, '17-timeline-2-restored');
    const restored = findFile(target, 'notes.txt');
    expect(restored).not.toBeNull();
    expect(fs.readFileSync(restored!).equals(Buffer.from(version(3)))).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The download link of this version gives the same bytes.
    const href = await page.getByRole('link', { name: 'Download' }).getAttribute('href');
    const res = await page.request.get(new URL(href!, base).toString());
    expect(res.status()).toBe(200);
    expect(Buffer.from(await res.body()).equals(Buffer.from(version(3)))).toBe(true);
  });

  it('diffs two text versions, showing the removed and added lines, and keeps them on reload', async () => {
    // Against the version before it, by default: one line edited, one added.
    await expect
      .poll(() => page.getByTestId('diff-summary').textContent())
      .toBe('2 lines added, 1 line removed.');
    await page.getByLabel(/Compare this version with/).selectOption({ index: 0 });
    await expect
      .poll(() => page.getByTestId('diff-summary').textContent())
      .toBe('3 lines added, 1 line removed.');
    const diff = page.getByRole('list', { name: 'Differences' });
    expect(await diff.locator('li.diff-del').allTextContents()).toEqual(['−Removed: edited in version 3']);
    expect(await diff.locator('li.diff-add').allTextContents()).toEqual([
      '+Added: edited in version 5',
      '+Added: extra line 4',
      '+Added: extra line 5',
    ]);
    await screenshot(page, '17-timeline-3-diff');

    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#\/file\/docs\/\d{4}-\d\d-\d\d_\d{6}\/Documents\/notes\.txt\?against=/);
    await page.reload();
    await page.getByRole('heading', { name: 'File timeline' }).waitFor();
    expect(new URL(page.url()).hash).toBe(hash);
    await expect.poll(() => page.getByLabel('Content of notes.txt').textContent()).toBe(version(3));
    await expect
      .poll(() => page.getByTestId('diff-summary').textContent())
      .toBe('3 lines added, 1 line removed.');
    expect(await versionRows().nth(2).getByRole('button').getAttribute('aria-current')).toBe('true');
    await screenshot(page, '17-timeline-4-reloaded');
    expect(browser.problems).toEqual([]);
  });
});
