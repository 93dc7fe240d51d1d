// End to end, issue 17 item 3: History you can act on, in Debian Chromium against a real `cairn serve`. A
// backup with a long note and a failed run with a long error do not overlap other rows (element boxes, at
// 1280 and 800 px); a row opens its details (Reload keeps them open); pin with a note; verify now; remove a
// backup after a confirmation: its folder is gone, the other backups are byte-exact. Screenshots
// test-results/screenshots/17-history-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { planLayout } from '../../electron/engine/format/layout';
import { cairn } from '../helpers/cli';
import { folderSnapshot } from '../helpers/snapshot';
import { tempDir } from '../helpers/tmp';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

const app = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let dest: string;

const LONG_NOTE = `before restore of ${'Documents/Projects/2026/the-quarterly-report-drafts/'.repeat(4)}summary.odt`;

interface Listed {
  stamp: string;
  pinned: boolean;
  note: string | null;
  status: string;
  verifiedAt: number | null;
}

async function backups(): Promise<Listed[]> {
  return (await app.api<{ backups: Listed[] }>('backupList', { plan: 'docs', includeFailed: true })).backups;
}

/** A stamp as the UI shows it: "2026-12-07_131717" is "2026-12-07 13:17:17". */
const asShown = (s: string) => `${s.slice(0, 10)} ${s.slice(11, 13)}:${s.slice(13, 15)}:${s.slice(15, 17)}`;

/** The row of a backup, found by its stamp. */
/** The row of the backup with this stamp (a failed run started in the same second has the same stamp). */
const row = (stamp: string) =>
  page
    .locator(`[data-testid=backup-row][data-stamp="${stamp}"]`)
    .filter({ hasNot: page.locator('.status-failed') });

/** Pairs of rows whose boxes intersect (none expected). */
async function overlaps(): Promise<string[]> {
  const rows = page.locator('[data-testid=backup-row]');
  const boxes = [];
  for (const r of await rows.all())
    boxes.push({ stamp: await r.getAttribute('data-stamp'), box: (await r.boundingBox())! });
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!.box;
      const b = boxes[j]!.box;
      const x = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const y = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (x > 0.5 && y > 0.5) out.push(`${boxes[i]!.stamp} and ${boxes[j]!.stamp} overlap by ${y}px`);
    }
  return out;
}

/** Rows whose text runs out of their box (a fixed height with a long note): none expected. */
function spills(): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('[data-testid=backup-row]')].flatMap((r) => {
    const bottom = Math.max(...[...r.children].map((c) => c.getBoundingClientRect().bottom));
    const over = bottom - r.getBoundingClientRect().bottom;
    return over > 0.5 ? [r.getAttribute('data-stamp') + ' spills ' + over + 'px'] : [];
  })`);
}

beforeAll(async () => {
  const root = tempDir('cairn-e2e-history-');
  const source = path.join(root, 'Documents');
  // A long destination path makes the failed run's error ("The backup folder … is not there") long too.
  dest = path.join(root, ...Array(3).fill('the-external-disk-with-the-backups-of-this-laptop'), 'backups');
  fs.mkdirSync(source);
  fs.mkdirSync(dest, { recursive: true });
  const dataDir = path.join(root, 'data');
  expect(cairn(['plan', 'add', 'docs', '--source', source, '--dest', dest], { dataDir }).code).toBe(0);
  const backup = (content: string, extra: string[] = []) => {
    fs.writeFileSync(path.join(source, 'report.txt'), content);
    expect(cairn(['backup', 'docs', ...extra], { dataDir }).code).toBe(0);
  };
  backup('first draft\n', ['--note', LONG_NOTE]);
  fs.renameSync(dest, `${dest}.unplugged`);
  expect(cairn(['backup', 'docs'], { dataDir }).code).toBe(2);
  fs.renameSync(`${dest}.unplugged`, dest);
  backup('second draft, with a big appendix\n'.repeat(200));
  backup('third draft\n');
  ({ served, browser, page } = await app.start(dataDir, 30_000));
});

describe('History you can act on', () => {
  it('fits a long note and a long error in their rows at 1280 and 800 px', async () => {
    await page.goto(`http://127.0.0.1:${served.port}/#token=${served.token}`);
    await page.goto(`http://127.0.0.1:${served.port}/#/history/docs`);
    const rows = page.locator('[data-testid=backup-row]');
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByText(LONG_NOTE).waitFor();
    await page.getByText(/The backup folder .* is not there/).waitFor();
    for (const width of [1280, 800]) {
      await page.setViewportSize({ width, height: 900 });
      await expect.poll(overlaps).toEqual([]);
      expect(await spills()).toEqual([]);
      const note = await page.getByText(LONG_NOTE).boundingBox();
      expect(note!.height).toBeGreaterThan(30); // wrapped onto more lines, and its row grew with it
      await screenshot(page, `17-history-1-rows-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('opens details by clicking a row, keeps them on reload, pins with a note and verifies now', async () => {
    const newest = (await backups())[0]!;
    await row(newest.stamp).locator('.hist-date').click();
    const dialog = page.getByRole('dialog', { name: /Backup of/ });
    await dialog.waitFor();
    expect(new URL(page.url()).hash).toBe(`#/history/docs/${newest.stamp}`);
    await page.reload();
    await dialog.waitFor();
    await dialog.getByText(planLayout(dest, 'docs').backupDir(newest.stamp)).waitFor();
    await dialog
      .getByRole('list', { name: 'Log of this backup' })
      .getByText(new RegExp(`Backup ${newest.stamp} completed`))
      .waitFor();

    await dialog.getByRole('button', { name: 'Pin…' }).click();
    await dialog.getByLabel('Note').fill('before the OS upgrade');
    await dialog.getByRole('button', { name: 'Pin', exact: true }).click();
    await dialog.getByRole('button', { name: 'Unpin' }).waitFor();
    await dialog.getByText(/pinned: before the OS upgrade/).waitFor(); // in the backup's log
    expect((await backups())[0]).toMatchObject({ pinned: true, note: 'before the OS upgrade' });

    await dialog.getByRole('button', { name: 'Verify now' }).click();
    await dialog.getByText(/^Intact: 1 file \(12 B\) read back and matched their checksums\.$/).waitFor();
    expect((await backups())[0]!.verifiedAt).not.toBeNull();
    await screenshot(page, '17-history-2-details');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(new URL(page.url()).hash).toBe('#/history/docs');
    // Focus goes back to the row (after the reload nothing else had it).
    const focused = await page.evaluate<string | undefined>(
      `document.activeElement?.closest('[data-stamp]')?.getAttribute('data-stamp')`,
    );
    expect(focused).toBe(newest.stamp);
  });

  it('removes one backup after a confirmation naming its date and bytes; the others stay byte-exact', async () => {
    const good = (await backups()).filter((b) => b.status !== 'failed');
    const [newest, middle, oldest] = good;
    const layout = planLayout(dest, 'docs');
    const before = [newest!, oldest!].map((b) => folderSnapshot(layout.backupDir(b.stamp)));
    await row(middle!.stamp).locator('.hist-date').click();
    const dialog = page.getByRole('dialog', { name: /Backup of/ });
    await dialog.getByRole('button', { name: 'Remove this backup…' }).click();
    const confirm = page.getByRole('dialog', { name: `Remove the backup of ${asShown(middle!.stamp)}?` });
    const size = '6.6 KB'; // the big draft, held by no other backup: 200 × 34 bytes
    await confirm
      .getByText(`Removing it frees ${size} (1 file that no other backup holds).`, { exact: false })
      .waitFor();
    await confirm.getByText(/Google Drive, if any, is not touched/).waitFor();
    const button = confirm.getByRole('button', {
      name: `Remove the backup of ${asShown(middle!.stamp)} (${size})`,
      exact: true,
    });
    await screenshot(page, '17-history-3-remove-confirm');
    await button.click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => new URL(page.url()).hash).toBe('#/history/docs');
    await expect.poll(() => page.locator('[data-testid=backup-row]').count()).toBe(3);
    expect(fs.existsSync(layout.backupDir(middle!.stamp))).toBe(false);
    expect([newest!, oldest!].map((b) => folderSnapshot(layout.backupDir(b.stamp)))).toEqual(before);
    // Among the backups (a failed run started in the same second shares the removed one's stamp, and stays).
    const left = (await backups()).filter((b) => b.status !== 'failed').map((b) => b.stamp);
    expect(left).toEqual([newest!.stamp, oldest!.stamp]);
    await screenshot(page, '17-history-4-after-remove');
    expect(browser.problems).toEqual([]);
  });
});
