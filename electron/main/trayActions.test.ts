import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp';
import { writeTree } from '../../test/helpers/tree';
import { openShellHost, type ShellHost } from './serviceHost';
import { runTrayAction } from './trayActions';

let host: ShellHost;
const root = tempDir();
beforeAll(async () => {
  const notifier = { name: 'desktop', send: async () => {} };
  host = (await openShellHost(path.join(root, 'data'), { notifier, log: () => {} })).host;
  for (const name of ['home', 'photos']) {
    // Enough files that a run cannot finish between "Back up now" and "Cancel".
    const files = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`d${i % 10}/f${i}.txt`, `${name} ${i}`]),
    );
    writeTree(path.join(root, name), files);
    const r = await host.call('planCreate', {
      name,
      sources: [path.join(root, name)],
      dest: path.join(root, 'backups'),
    });
    expect(r.ok).toBe(true);
  }
});
afterAll(async () => {
  await host?.close();
});

describe('tray actions', () => {
  it('Back up now backs up every plan, one after the other', async () => {
    const views: unknown[] = [];
    await runTrayAction('backup-now', { host, show: (v) => views.push(v), quit: () => {} });
    expect(
      host
        .activeRuns()
        .map((r) => r.planName)
        .sort(),
    ).toEqual(['home', 'photos']);
    await host.whenIdle();
    const list = await host.call('backupList', {});
    const backups = list.ok
      ? (list.value as { backups: { planName: string; status: string }[] }).backups
      : [];
    expect(backups.map((b) => `${b.planName} ${b.status}`).sort()).toEqual([
      'home complete',
      'photos complete',
    ]);
    expect(views).toEqual([]);
  });

  it('Cancel stops the runs and leaves no backup behind', async () => {
    const before = await host.call('backupList', {});
    await runTrayAction('backup-now', { host, show: () => {}, quit: () => {} });
    await runTrayAction('cancel', { host, show: () => {}, quit: () => {} });
    await host.whenIdle();
    const after = await host.call('backupList', {});
    expect(after).toEqual(before);
  });

  it('Pause for 1 hour and until tomorrow hold the schedule until then; Resume releases it', async () => {
    // The pause compares with the real clock, so the test does too.
    const now = Date.now();
    const o = { host, show: () => {}, quit: () => {}, now: () => now };
    await runTrayAction('pause-hour', o);
    expect(host.pause!.until()).toBe(now + 3600_000);
    // The same pause the UI and `cairn serve` show: the service's status says it.
    const st = await host.call('status', {});
    expect(st.ok && (st.value as { pause: { until: number } | null }).pause?.until).toBe(now + 3600_000);
    await runTrayAction('pause-tomorrow', o);
    const d = new Date(now);
    expect(host.pause!.until()).toBe(new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime());
    await runTrayAction('resume', o);
    expect(host.pause!.until()).toBeNull();
  });

  it('Restore opens the window on the restore view; Open and Quit do what they say', async () => {
    const calls: string[] = [];
    const o = { host, show: (v?: string) => calls.push(`show ${v ?? ''}`), quit: () => calls.push('quit') };
    await runTrayAction('restore', o);
    await runTrayAction('open', o);
    await runTrayAction('quit', o);
    expect(calls).toEqual(['show restore', 'show ', 'quit']);
  });
});
