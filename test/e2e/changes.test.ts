// End to end, issue 17 item 2: a real `cairn serve` in Debian Chromium. Files are edited, added and deleted
// between real backups; the backup's What changed view shows exactly those (tree and filter), two backups
// that are not neighbours compare, and a reload keeps the address. Screenshots 17-changes-*.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cairn } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { writeTree } from '../helpers/tree';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const { start, backUp } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let source: string;
let base: string;

/** The rows of the tree as "change name" ("changed edit.txt", "inside sub/"), read at once. */
function rows(): Promise<string[]> {
  return page
    .getByRole('list', { name: 'Changes' })
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((li) => `${li.querySelector('.change')?.textContent} ${li.querySelector('a')?.textContent}`),
    );
}

const summary = () => page.getByTestId('changes-summary').textContent();

beforeAll(async () => {
  const root = tempDir('cairn-e2e-changes-');
  source = path.join(root, 'Documents');
  writeTree(source, {
    'keep.txt': 'never touched\n',
    'edit.txt': 'first words\n',
    'gone.txt': 'to be deleted\n',
    'sub/deep.txt': 'deep down\n',
    'sub/stays.txt': 'stays\n',
  });
  const dataDir = path.join(root, 'data');
  const dest = path.join(root, 'backups');
  expect(cairn(['plan', 'add', 'docs', '--source', source, '--dest', dest], { dataDir }).code).toBe(0);
  ({ served, browser, page, base } = await start(dataDir, 20_000));
});

describe('what changed in a backup', () => {
  let first = '';
  let second = '';

  it('shows exactly the files edited, added and deleted since the backup before, as a tree', async () => {
    first = await backUp();
    fs.writeFileSync(path.join(source, 'edit.txt'), 'first words, and a few more\n');
    writeTree(source, { 'sub/added.txt': 'new here\n', 'fresh/one.txt': 'one\n', 'fresh/two.txt': 'two!\n' });
    fs.rmSync(path.join(source, 'gone.txt'));
    second = await backUp();

    await page.goto(`${base}/#token=${served.token}`);
    await page.goto(`${base}/#/history`);
    await page.getByTestId('backup-row').first().getByRole('link', { name: 'What changed' }).click();
    await page.getByRole('heading', { name: 'What changed' }).waitFor();
    expect(page.url()).toContain(`#/changes/docs/${second}`);
    await expect
      .poll(summary)
      .toMatch(/: 3 files added \(.+\) · 1 file changed \(.+\) · 1 file removed \(.+\)$/);
    await expect.poll(rows).toEqual(['inside Documents/']);
    await page.getByRole('link', { name: 'Documents/' }).click();
    await expect.poll(rows).toEqual(['changed edit.txt', 'added fresh/', 'removed gone.txt', 'inside sub/']);
    expect(page.url()).toContain(`#/changes/docs/${second}/Documents`);
    // Each file links to its timeline, at the backup that holds the version.
    expect(await page.getByRole('link', { name: 'edit.txt' }).getAttribute('href')).toBe(
      `#/file/docs/${second}/Documents/edit.txt`,
    );
    expect(await page.getByRole('link', { name: 'gone.txt' }).getAttribute('href')).toBe(
      `#/file/docs/${first}/Documents/gone.txt`,
    );
    await screenshot(page, '17-changes-1-backup');
    await page.getByRole('link', { name: 'sub/' }).click();
    await expect.poll(rows).toEqual(['added added.txt']);
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await expect.poll(rows).toHaveLength(4);
  });

  it('filters by kind of change and by name', async () => {
    await page.getByLabel('Show').selectOption('removed');
    await expect.poll(rows).toEqual(['removed gone.txt']);
    await page.getByLabel('Show').selectOption('added');
    await expect.poll(rows).toEqual(['added fresh/', 'inside sub/']);
    await page.getByLabel('Name contains').fill('TWO');
    await expect.poll(rows).toEqual(['added fresh/']);
    expect(await page.getByRole('list', { name: 'Changes' }).textContent()).toContain('1 added');
    await screenshot(page, '17-changes-2-filter');
    await page.getByLabel('Name contains').fill('');
    await page.getByLabel('Show').selectOption('all');
    await expect.poll(rows).toHaveLength(4);
  });

  it('compares two backups that are not neighbours, and a reload keeps the address', async () => {
    fs.writeFileSync(path.join(source, 'sub', 'deep.txt'), 'deep down, edited later\n');
    fs.rmSync(path.join(source, 'fresh', 'one.txt'));
    const third = await backUp();
    await page.goto(`${base}/#/browse/docs/${third}`);
    await page.getByRole('link', { name: 'What changed' }).click();
    await expect.poll(() => page.url()).toContain(`#/changes/docs/${third}`);
    await expect.poll(summary).toMatch(/: 0 files added · 1 file changed \(.+\) · 1 file removed \(.+\)$/);

    await page.getByLabel('Compared with').selectOption(first);
    await expect.poll(() => page.url()).toContain(`#/changes/docs/${third}?against=${first}`);
    await expect
      .poll(summary)
      .toMatch(/: 2 files added \(.+\) · 2 files changed \(.+\) · 1 file removed \(.+\)$/);
    await page.getByRole('link', { name: 'Documents/' }).click();
    await expect.poll(rows).toEqual(['changed edit.txt', 'added fresh/', 'removed gone.txt', 'inside sub/']);
    await page.getByRole('link', { name: 'sub/' }).click();
    await expect.poll(rows).toEqual(['added added.txt', 'changed deep.txt']);
    const address = `#/changes/docs/${third}/Documents/sub?against=${first}`;
    expect(page.url()).toContain(address);
    await screenshot(page, '17-changes-3-compare');

    await page.reload();
    await page.getByRole('heading', { name: 'What changed' }).waitFor();
    expect(page.url()).toContain(address);
    await expect.poll(rows).toEqual(['added added.txt', 'changed deep.txt']);
    await expect.poll(summary).toContain('2 files changed');
    expect(await page.getByLabel('Compared with').inputValue()).toBe(first);
    expect(browser.problems).toEqual([]);
  });
});
