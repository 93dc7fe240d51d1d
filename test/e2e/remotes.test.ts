// End to end, issue 18: in Debian Chromium against a real `cairn serve`, the Off-site copies view adds an
// rclone remote on rclone's local backend (a temp rclone config file with `[here] type = local`), pushes a
// plan to it with "Push now", and shows its state, last push and bytes waiting; the packs land in the folder.
// Screenshots: test-results/screenshots/18-offsite-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/tmp';
import { writeTree } from '../helpers/tree';
import { call, type Served } from '../serve-client';
import { screenshot } from './browser';
import { e2e } from './fixture';

const { start, api, backUp } = e2e();
let served: Served;
let page: Page;
let base: string;
let conf: string;
let store: string;

beforeAll(async () => {
  const root = tempDir('cairn-e2e-remotes-');
  writeTree(path.join(root, 'Documents'), { 'a.txt': 'first file\n', 'sub/b.txt': 'second\n'.repeat(900) });
  conf = path.join(root, 'rclone.conf');
  fs.writeFileSync(conf, '[here]\ntype = local\n');
  store = path.join(root, 'store');
  fs.mkdirSync(store);
  ({ served, page, base } = await start(path.join(root, 'data'), 30_000));
  await api('planCreate', {
    name: 'docs',
    sources: [path.join(root, 'Documents')],
    dest: path.join(root, 'backups'),
  });
  await backUp();
}, 90_000);

describe('Off-site copies under cairn serve', () => {
  it('adds an rclone remote, pushes to it and shows its state', async () => {
    await page.goto(`${base}/#token=${served.token}`);
    await page.goto(`${base}/#/offsite`);
    await page.getByRole('heading', { level: 1, name: 'Off-site copies' }).waitFor();
    const items = page.getByTestId('remote');
    await items.first().waitFor();
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['drive']);

    await page.getByRole('button', { name: 'Add a remote…' }).click();
    const form = page.getByRole('form', { name: 'Add a remote' });
    await form.getByLabel('rclone remote', { exact: true }).check();
    await form.getByLabel('Name').fill('nas');
    await form.getByLabel('rclone remote and path').fill(`here:${store}/cairn`);
    await form.getByLabel('rclone config file (optional)').fill(conf);
    await form.getByLabel('docs', { exact: true }).check();
    await screenshot(page, '18-offsite-1-add-form');
    await form.getByRole('button', { name: 'Add remote' }).click();
    await page.getByText(/^Added nas\. .* is reachable and holds no Cairn backup yet\./).waitFor();

    const nas = page.getByRole('listitem', { name: 'nas' });
    await expect.poll(() => nas.getByTestId('remote-state').textContent()).toBe('Never pushed');
    expect(await nas.textContent()).toContain(`here:${store}/cairn`);
    await nas.getByRole('button', { name: 'Push now' }).click();
    await expect
      .poll(() => nas.getByTestId('remote-state').textContent(), { timeout: 60_000 })
      .toBe('Up to date');
    const facts = await nas.locator('dl').textContent();
    expect(facts).not.toContain('Last pushnever');
    const [, listed] = await api<{ plans: { lastPushAt: number | null }[] }[]>('remoteList');
    expect(listed!.plans[0]!.lastPushAt).not.toBeNull();
    expect(facts).toContain('Waiting to go up0 B');
    expect(fs.readdirSync(path.join(store, 'cairn', 'Cairn'))).toHaveLength(1);
    await screenshot(page, '18-offsite-2-pushed');

    await nas.getByRole('button', { name: 'Verify' }).click();
    await nas.getByText(/^docs: intact \(1 backups/).waitFor();

    // The same service over HTTP: prune's dry run, and refusals in words.
    const pruned = await api<{ plans: { plan: string; dryRun: boolean; pruned: string[]; error: null }[] }>(
      'remotePrune',
      { name: 'nas', dryRun: true },
    );
    expect(pruned.plans).toEqual([{ plan: 'docs', dryRun: true, pruned: [], freedBytes: 0, error: null }]);
    const refused = async (method: string, input: unknown) =>
      (JSON.parse((await call(served, method, input)).body) as { error: { message: string } }).error.message;
    expect(await refused('remoteAdd', { kind: 's3', name: 'b', url: 'https://x' })).toMatch(
      /not an S3 address/,
    );
    expect(await refused('remoteAdd', { kind: 'rclone', name: 'nas', target: 'here:/x' })).toMatch(
      /A remote named "nas" exists already/,
    );
    expect(await refused('remotePush', { name: 'nope' })).toMatch(/No remote named "nope"/);
    expect(
      await refused('remoteAdd', { kind: 'rclone', name: 'x', target: 'here:/x', configFile: 'rclone.conf' }),
    ).toMatch(/full path of the rclone config file/);

    await nas.getByRole('button', { name: 'Remove nas…' }).click();
    await nas.getByRole('button', { name: 'Remove nas' }).click();
    await expect.poll(() => items.count()).toBe(1);
    // Nothing on the store was deleted.
    expect(fs.readdirSync(path.join(store, 'cairn', 'Cairn'))).toHaveLength(1);
  });
});
