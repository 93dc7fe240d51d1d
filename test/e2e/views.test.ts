// End to end, issue 17 items 6 and 7: every view of a real `cairn serve` (a plan, a few backups made through
// the API, one "before restore" safety copy) at 1280 and 800 px wide, light and dark, and at 200 % zoom of a
// 1280 px window (tested as the 640 x 450 CSS-pixel viewport that zoom lays out in): rows that do not overlap, nothing wider than
// the window, and no serious or critical axe-core finding. Screenshots: 17-views-<view>-<width>-<theme>.
// Also: Reload on a deep link, the skip link, focus back to the opener after Esc in the restore dialog.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/tmp';
import type { Served } from '../serve-client';
import { screenshot, type OpenBrowser } from './browser';
import { e2e } from './fixture';

/** What the views are shown with: the plan and its backups (newest first). */
interface Fixture {
  plan: string;
  /** The newest regular backup (not the safety copy). */
  stamp: string;
}

/**
 * Every view: its name (in the screenshot's name), its address, and what shows that it has loaded (a
 * Playwright selector). Add a view here and it is checked at every size and theme.
 */
const VIEWS: { name: string; address: (f: Fixture) => string; ready: string }[] = [
  { name: 'overview', address: () => '#/overview', ready: '[data-testid=plan-state]' },
  { name: 'history', address: () => '#/history', ready: '[data-testid=backup-row]' },
  { name: 'browse', address: () => '#/browse', ready: '[role=listitem]' },
  {
    name: 'browse-folder',
    address: (f) => `#/browse/${f.plan}/${f.stamp}/Documents/sub`,
    ready: '[role=listitem] >> text=b.txt',
  },
  {
    name: 'history-details',
    address: (f) => `#/history/${f.plan}/${f.stamp}`,
    ready: '[role=dialog] h2',
  },
  {
    name: 'file',
    address: (f) => `#/file/${f.plan}/${f.stamp}/Documents/sub/b.txt`,
    ready: '[data-row] >> nth=1',
  },
  {
    name: 'changes',
    address: (f) => `#/changes/${f.plan}/${f.stamp}/Documents`,
    ready: '[data-testid=changes-summary]',
  },
  { name: 'retention', address: () => '#/retention', ready: '[data-testid=timeline-item]' },
  { name: 'drive', address: () => '#/drive', ready: 'h2:has-text("Google Drive")' },
  { name: 'offsite', address: () => '#/offsite', ready: '[data-testid=remote]' },
  { name: 'settings', address: () => '#/settings', ready: 'h1:has-text("Settings")' },
  { name: 'activity', address: () => '#/activity', ready: '[data-testid=activity-row]' },
];

const SIZES: { width: number; height: number; zoom?: string; themes: ('light' | 'dark')[] }[] = [
  { width: 1280, height: 900, themes: ['light', 'dark'] },
  { width: 800, height: 900, themes: ['light', 'dark'] },
  // A 1280 x 900 window at 200 % zoom lays the page out in 640 x 450 CSS pixels.
  { width: 640, height: 450, zoom: ' (1280 px at 200 %)', themes: ['light'] },
];

/** The few DOM types the in-page checks use (this file compiles without the DOM library). */
interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface El {
  id: string;
  tagName: string;
  textContent: string | null;
  scrollHeight: number;
  clientHeight: number;
  getBoundingClientRect(): Rect;
  getClientRects(): { length: number };
  contains(other: El): boolean;
}
interface Win {
  document: {
    querySelectorAll(selector: string): Iterable<El>;
    querySelector(selector: string): { querySelectorAll(selector: string): Iterable<El> } | null;
    documentElement: { scrollWidth: number };
    activeElement: El | null;
  };
  getComputedStyle(e: El): { overflowY: string };
  axe?: { run(c: unknown): Promise<AxeResult> };
}
interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/** Anything that is one row of a list or table. */
const ROWS = '[role=listitem], [data-testid=backup-row], tr, li, [data-row]';

const { serve, open, api, backUp } = e2e();
let served: Served;
let browser: OpenBrowser;
let page: Page;
let source: string;
let fixture: Fixture;
let base: string;
const axeSource = fs.readFileSync(path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

type Listed = { stamp: string; safety: boolean; note: string | null };
const backups = async () => (await api<{ backups: Listed[] }>('backupList', { plan: 'docs' })).backups;

/**
 * Pairs of row boxes (neither inside the other) that overlap, described for the failure message. With a
 * modal dialog open only its rows count: the page under it is covered and cannot be reached.
 */
function overlappingRows(selector: string): string[] {
  const w = globalThis as unknown as Win;
  const scope = w.document.querySelector('[role=dialog][aria-modal=true]') ?? w.document;
  const els = [...scope.querySelectorAll(selector)].filter((e) => e.getClientRects().length);
  const out: string[] = [];
  const name = (e: El) => `${e.tagName.toLowerCase()} "${(e.textContent ?? '').slice(0, 40)}"`;
  for (let i = 0; i < els.length; i++) {
    const a = els[i]!.getBoundingClientRect();
    for (let j = i + 1; j < els.length; j++) {
      if (els[i]!.contains(els[j]!) || els[j]!.contains(els[i]!)) continue;
      const b = els[j]!.getBoundingClientRect();
      const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (across > 1 && down > 1) out.push(`${name(els[i]!)} overlaps ${name(els[j]!)}`);
    }
  }
  // A row whose content is taller than the row spills over the next one even when the boxes do not meet.
  for (const e of els)
    if (e.scrollHeight > e.clientHeight + 1 && w.getComputedStyle(e).overflowY === 'visible')
      out.push(`${name(e)} holds more than its height`);
  return out;
}

/** Serious and critical axe-core findings on the page, one line each. */
async function axeFindings(p: Page): Promise<string[]> {
  // Evaluated, not a script tag: the page's Content-Security-Policy refuses inline scripts.
  if (!(await p.evaluate(() => 'axe' in globalThis))) await p.evaluate(axeSource);
  return p.evaluate(async () => {
    const w = globalThis as unknown as Win;
    const r = await w.axe!.run(w.document);
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

async function show(address: string, ready: string): Promise<void> {
  await page.goto(`${base}/${address}`);
  await page.locator(ready).first().waitFor();
  await page.getByText('Loading…').waitFor({ state: 'detached' });
}

beforeAll(async () => {
  const root = tempDir('cairn-e2e-views-');
  source = path.join(root, 'Documents');
  fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(source, 'a.txt'), 'first\n');
  fs.writeFileSync(path.join(source, 'sub', 'b.txt'), 'second\n');
  served = await serve(path.join(root, 'data'));
  base = `http://127.0.0.1:${served.port}`;
  await api('planCreate', { name: 'docs', sources: [source], dest: path.join(root, 'backups') });
  await backUp();
  fs.writeFileSync(path.join(source, 'a.txt'), 'second version\n');
  await backUp({ note: 'before the OS upgrade', pin: true });
  fs.writeFileSync(path.join(source, 'sub', 'b.txt'), 'third version, a little longer\n');
  await backUp();
  // A restore in place of a file edited since makes a pinned "before restore" copy, the newest backup.
  const regular = (await backups())[0]!.stamp;
  fs.writeFileSync(path.join(source, 'a.txt'), 'edited by mistake\n');
  await api('restore', {
    plan: 'docs',
    stamp: regular,
    paths: ['Documents/a.txt'],
    target: { mode: 'in-place' },
    dryRun: false,
  });
  expect((await backups()).map((b) => b.safety)).toEqual([true, false, false, false]);
  fixture = { plan: 'docs', stamp: regular };
  browser = await open(20_000);
  page = browser.page;
  await page.goto(`${base}/#token=${served.token}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}, 180_000);

describe('every view, wide and narrow, light and dark', () => {
  for (const size of SIZES)
    for (const theme of size.themes)
      it(`${size.width} px${size.zoom ?? ''}, ${theme}`, async () => {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.emulateMedia({ colorScheme: theme });
        const problems: string[] = [];
        for (const v of VIEWS) {
          await show(v.address(fixture), v.ready);
          await screenshot(page, `17-views-${v.name}-${size.width}-${theme}`);
          const where = `${v.name} at ${size.width} px, ${theme}`;
          for (const o of await page.evaluate(overlappingRows, ROWS)) problems.push(`${where}: ${o}`);
          const wide = await page.evaluate(
            () => (globalThis as unknown as Win).document.documentElement.scrollWidth,
          );
          if (wide > size.width) problems.push(`${where}: the page is ${wide} px wide`);
          for (const f of await axeFindings(page)) problems.push(`${where}: ${f}`);
        }
        expect(problems).toEqual([]);
      }, 180_000);
});

describe('addresses and keyboard', () => {
  it('opens Browse on the latest regular backup, not the "before restore" copy', async () => {
    await show('#/browse', '[role=listitem]');
    expect(await page.getByLabel('Backup', { exact: true }).inputValue()).toBe(fixture.stamp);
  });

  it('lands on the folder of a deep link after Reload', async () => {
    await show(`#/browse/docs/${fixture.stamp}/Documents/sub`, '[role=listitem] >> text=b.txt');
    await page.reload();
    await page.getByRole('listitem').filter({ hasText: 'b.txt' }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Folder' });
    expect(await crumbs.getByRole('button').allTextContents()).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d/),
      'Documents',
      'sub',
    ]);
    expect(page.url()).toContain(`#/browse/docs/${fixture.stamp}/Documents/sub`);
  });

  it('moves focus to the view with the skip link', async () => {
    await show('#/history', '[data-testid=backup-row]');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((e) => e === (globalThis as unknown as Win).document.activeElement)).toBe(
      true,
    );
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.activeElement?.id)).toBe('main');
    expect(page.url()).toContain('#/history');
  });

  it('gives focus back to the button that opened the restore dialog after Esc', async () => {
    await show('#/browse', '[role=listitem]');
    const opener = page.getByRole('button', { name: 'Restore the whole backup…' });
    await opener.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect
      .poll(() => opener.evaluate((e) => e === (globalThis as unknown as Win).document.activeElement))
      .toBe(true);
  });
});
