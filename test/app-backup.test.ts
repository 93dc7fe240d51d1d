// The built app (main and preload bundles on the electron double) used the way its window uses it: through
// `window.cairn`. A plan and its backups, the tray following each run, and quitting while a backup runs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventData } from '../shared/cairnEvents';
import type { Result } from '../shared/result';
import { listBackups } from '../electron/engine/catalog/backups';
import { openCatalog } from '../electron/engine/catalog/db';
import { getPlan } from '../electron/engine/catalog/plans';
import { launchApp, until, type LaunchedApp } from './electron-double/load';
import { tempDir } from './helpers/tmp';
import { diffTrees } from './helpers/tree';

let app: LaunchedApp;
const root = tempDir('cairn-app-backup-');
const src = path.join(root, 'src');
const dest = path.join(root, 'dest');
let label = '';

/** The value of a successful call (the test fails with the error otherwise). */
function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** A tree big enough that a backup lasts past the tray's half-second redraw: 2,000 files and 48 MiB. */
function writeSource(): void {
  for (let d = 0; d < 20; d++) {
    fs.mkdirSync(path.join(src, `d${d}`), { recursive: true });
    for (let i = 0; i < 100; i++)
      fs.writeFileSync(path.join(src, `d${d}`, `f${i}.txt`), `file ${d}/${i}\n`.repeat(50));
  }
  fs.writeFileSync(path.join(src, 'big.bin'), crypto.randomBytes(48 << 20));
}

const trayIcon = () => path.basename(app.tray().image, '.png');

/** Backs up `home` now through the preload and waits (bounded) for the run's end; returns how it ended. */
async function backUp(): Promise<EventData<'runFinished'>> {
  const cairn = app.cairn();
  let end: EventData<'runFinished'> | null = null;
  const off = cairn.on('runFinished', (e) => (end = e));
  try {
    value(await cairn.api.runNow({ plan: 'home' }));
    await until(() => end !== null, 'the backup to finish');
    return end!;
  } finally {
    off();
  }
}

/** The dated backup folders of `home` in the destination, oldest first. */
const backupFolders = () =>
  fs
    .readdirSync(path.join(dest, 'home'))
    .filter((n) => n !== '.cairn')
    .sort();

beforeAll(async () => {
  writeSource();
  fs.mkdirSync(dest);
  app = launchApp();
  await app.started();
}, 60_000);

afterAll(async () => {
  await app.quit();
});

describe('the app through its preload', () => {
  it('creates a plan, backs it up and lists the backup; the destination holds the same bytes; the tray follows', async () => {
    const cairn = app.cairn();
    expect(trayIcon()).toBe('idle');
    const plan = value(await cairn.api.planCreate({ name: 'home', dest, sources: [src] }));
    label = plan.sources[0]!.label;
    // A plan with no backup yet is worth a look.
    await until(() => trayIcon() === 'attention', 'the tray to ask for a first backup');
    expect(app.tray().tooltip).toMatch(/No backup has been made yet/);
    const shownBefore = app.tray().shown.length;

    const end = await backUp();
    expect(end).toMatchObject({ planName: 'home', outcome: 'complete', error: null });
    await until(() => trayIcon() === 'idle', 'the tray to go back to idle');
    const during = app
      .tray()
      .shown.slice(shownBefore)
      .map((s) => path.basename(s.image, '.png'));
    expect(during).toContain('running');
    expect(during.at(-1)).toBe('idle');
    expect(app.tray().tooltip).toBe('Cairn: Backups are up to date');

    const list = value(await cairn.api.backupList({ plan: 'home' }));
    expect(list.total).toBe(1);
    expect(list.backups[0]).toMatchObject({ status: 'complete', files: 2001 });
    expect(backupFolders()).toEqual([list.backups[0]!.stamp]);
    expect(diffTrees(src, path.join(dest, 'home', list.backups[0]!.stamp, label))).toEqual([]);
  });

  it('shows attention after a backup with warnings (a socket in the source is skipped)', async () => {
    const sock = path.join(src, 'app.sock');
    const server = net.createServer().listen(sock);
    await new Promise((r) => server.once('listening', r));
    try {
      expect((await backUp()).outcome).toBe('warnings');
      await until(() => trayIcon() === 'attention', 'the tray to show attention');
      expect(app.tray().tooltip).toMatch(/could not read 1 file/);
    } finally {
      await new Promise((r) => server.close(r));
      fs.rmSync(sock, { force: true });
    }
  });

  it('shows an error and tells the desktop when a backup fails, and idle again once one works', async () => {
    const away = `${src}.away`;
    fs.renameSync(src, away);
    try {
      const end = await backUp();
      expect(end.outcome).toBe('failed');
      await until(() => trayIcon() === 'error', 'the tray to show the failure');
      expect(app.tray().tooltip).toMatch(/The last backup failed: The source folder .* does not exist/);
      await until(() => app.record.notifications.length > 0, 'a desktop notification');
      expect(app.record.notifications.at(-1)!.title).toMatch(/home/);
    } finally {
      fs.renameSync(away, src);
    }
    expect((await backUp()).outcome).toBe('complete');
    await until(() => trayIcon() === 'idle', 'the tray to go back to idle');
  });

  it('quitting during a backup asks, waits for it, and exits with the backup complete and nothing partial', async () => {
    fs.writeFileSync(path.join(src, 'big.bin'), crypto.randomBytes(48 << 20)); // changed: copied again
    const cairn = app.cairn();
    app.answerWith((box) => box.buttons.indexOf('Quit when done'));
    const planDir = path.join(dest, 'home');
    const partial = () => fs.readdirSync(path.join(planDir, '.cairn', 'partial'));
    const before = backupFolders();
    // What the destination holds at the moment the app exits.
    const atExit = { folders: [] as string[], partial: [] as string[] };
    void app.app.exited.then(() => Object.assign(atExit, { folders: backupFolders(), partial: partial() }));
    let quitAsked = false;
    cairn.on('runProgress', (p) => {
      if (quitAsked || p.phase !== 'running' || p.files === 0) return;
      quitAsked = true;
      app.app.quit();
      // Asked again while waiting (the tray's Quit, Cmd+Q): still no exit before the backup is done.
      app.app.quit();
    });
    value(await cairn.api.runNow({ plan: 'home' }));
    expect(await app.exit()).toBe(0);
    expect(quitAsked).toBe(true);
    expect(app.record.messageBoxes).toEqual([
      expect.objectContaining({ message: 'The backup of home is running.' }),
    ]);

    // Retention keeps the newest backup of the day: the new one is there, earlier ones of today may not be.
    const newStamp = atExit.folders.at(-1);
    expect(before).not.toContain(newStamp);
    expect(atExit.partial).toEqual([]);
    expect(fs.existsSync(path.join(planDir, '.cairn', 'lock'))).toBe(false);
    const db = openCatalog(app.dataDir);
    try {
      const newest = listBackups(db, { planId: getPlan(db, 'home').id, includeFailed: true })[0]!;
      expect(newest.status).toBe('complete');
      expect(newest.stamp).toBe(newStamp);
      expect(diffTrees(src, path.join(planDir, newest.stamp, label))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
