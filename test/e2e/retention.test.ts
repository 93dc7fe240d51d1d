// End to end, issue 15 item 11: three backups made by hand seconds apart, each with a note, through the UI
// of a real `cairn serve` in Debian Chromium; the Retention view keeps all three and says why. Screenshot:
// test-results/screenshots/10-retention-noted.png.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cairn } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const { start, stamps } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let source: string;
let dest: string;

const NOTE = 'before the OS upgrade';

/** "2026-12-07_064512" as the UI prints it ("2026-12-07 06:45:12"): the digits, in order. */
const digits = (s: string) => s.replace(/\D/g, '');

beforeAll(async () => {
  const root = tempDir('cairn-e2e-noted-');
  source = path.join(root, 'Documents');
  dest = path.join(root, 'backups');
  fs.mkdirSync(source);
  fs.writeFileSync(path.join(source, 'a.txt'), 'first\n');
  const dataDir = path.join(root, 'data');
  expect(cairn(['plan', 'add', 'docs', '--source', source, '--dest', dest], { dataDir }).code).toBe(0);
  ({ served, browser, page } = await start(dataDir, 30_000));
});

describe('retention of backups made by hand with a note', () => {
  it('keeps the middle one of three noted backups and says why in the preview', async () => {
    await page.goto(`http://127.0.0.1:${served.port}/#token=${served.token}`);
    for (let i = 1; i <= 3; i++) {
      fs.writeFileSync(path.join(source, 'a.txt'), `version ${i}\n`);
      await page.getByLabel('Note for a backup of docs now').fill(NOTE);
      await page.getByRole('button', { name: 'Back up now' }).click();
      await expect.poll(async () => (await stamps()).length, { timeout: 60_000 }).toBe(i);
      await page.getByRole('button', { name: 'Back up now' }).waitFor();
    }
    const [, middle] = (await stamps()).reverse();
    await page.goto(`http://127.0.0.1:${served.port}/#/retention`);
    const items = page.getByTestId('timeline-item');
    await expect.poll(() => items.count()).toBe(3);
    const middleRow = async () => {
      for (const r of await items.all())
        if (digits((await r.locator('span').first().textContent()) ?? '') === digits(middle!)) return r;
      throw new Error(`no timeline item for ${middle}`);
    };
    const text = async () => (await (await middleRow()).textContent()) ?? '';
    expect(await text()).toContain('kept');
    expect(await text()).toContain('made in the last 24 hours');
    expect(await text()).toMatch(
      /made by hand with a note, kept 30 days \(through \d{4}-\d\d-\d\d\): before the OS upgrade/,
    );
    // With keep-within off (not saved), the note alone keeps it.
    await page.getByLabel('Every backup of the last (hours)').fill('0');
    await expect.poll(text).not.toContain('made in the last 24 hours');
    expect(await text()).toMatch(/kept.*made by hand with a note, kept 30 days/);
    expect(await page.getByTestId('retention-summary').textContent()).toBe('3 kept, 0 to be pruned');
    await screenshot(page, '10-retention-noted');
    // And with the note rule off too, the daily rule alone prunes it: the rule is what keeps it.
    await page.getByLabel('Made by hand with a note (days)').fill('0');
    await expect
      .poll(() => page.getByTestId('retention-summary').textContent())
      .toBe('2 kept, 1 to be pruned');
    expect(await text()).toContain('pruned');
    expect(fs.readdirSync(path.join(dest, 'docs')).filter((d) => !d.startsWith('.'))).toHaveLength(3);
    expect(browser.problems).toEqual([]);
  });
});
