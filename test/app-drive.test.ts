// Google Drive from the app's window (window.cairn) on the electron double, against the Drive emulator:
// connect through the consent page the app opens in the browser, push, read the status. The token is kept
// by the safeStorage double, so the data folder holds it only as ciphertext.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../shared/result';
import { emulatorEnv } from './drive-emulator/harness';
import { startEmulator, type DriveEmulator } from './drive-emulator/server';
import { launchApp, until, type LaunchedApp } from './electron-double/load';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

let emu: DriveEmulator;
let app: LaunchedApp;

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
  // The client and endpoints only: no refresh token in the environment, so connecting needs the consent page.
  app = launchApp({ env: emulatorEnv(emu) });
  await app.started();
}, 60_000);

afterAll(async () => {
  await app?.quit();
  await emu?.stop();
});

describe('Google Drive in the app', () => {
  it('connects through the browser, pushes a backup, reports it, and keeps the token encrypted', async () => {
    const { api } = app.cairn();
    const root = tempDir();
    writeTree(path.join(root, 'src'), { 'a.txt': 'alpha', 'b/c.txt': 'gamma' });
    fs.mkdirSync(path.join(root, 'dest'));
    value(
      await api.planCreate({
        name: 'home',
        dest: path.join(root, 'dest'),
        sources: [path.join(root, 'src')],
      }),
    );
    value(await api.runNow({ plan: 'home' }));
    await until(async () => value(await api.backupList({ plan: 'home' })).total === 1, 'the backup');

    const connect = value(await api.driveConnect({}));
    if (connect.state !== 'needs-consent') throw new Error(`expected a consent page, got ${connect.state}`);
    // The app sends the consent page to the system browser (shell.openExternal) ...
    expect(app.record.openedUrls).toEqual([connect.authUrl]);
    // ... where the user agrees: the emulator approves and redirects to Cairn's loopback port.
    const page = await fetch(connect.authUrl);
    expect(await page.text()).toMatch(/connected to Google Drive/);
    await until(async () => value(await api.driveStatus({})).connected, 'Drive to be connected');

    let done: string | null = null;
    const off = app.cairn().on('driveProgress', (p) => {
      if (p.phase === 'done' || p.phase === 'failed') done = `${p.phase}: ${p.message}`;
    });
    expect(value(await api.drivePush({ plan: 'home' }))).toMatchObject({ plans: ['home'] });
    await until(() => done !== null, 'the push to end');
    off();
    expect(done).toBe('done: 1 backup(s) pushed.');

    const status = value(await api.driveStatus({}));
    expect(status).toMatchObject({
      connected: true,
      configured: true,
      lastError: null,
      plans: [{ planName: 'home', backupsOnDrive: 1 }],
    });
    expect(status.plans[0]!.lastPushAt).not.toBeNull();
    expect(emu.files().some((f) => /\.tar\.gz$/.test(f.name))).toBe(true);
    expect(value(await api.backupList({ plan: 'home' })).backups[0]!.onDrive).toBe(true);

    // The token is in secrets.bin, encrypted by safeStorage; no plain secrets.json, no plain token anywhere.
    expect(fs.existsSync(path.join(app.dataDir, 'secrets.json'))).toBe(false);
    const sealed = fs.readFileSync(path.join(app.dataDir, 'secrets.bin'));
    const opened = JSON.parse(app.safeStorage.decryptString(sealed)) as Record<string, string>;
    const tokens = JSON.parse(opened['drive.tokens']!) as { refresh_token?: string };
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(sealed.includes(tokens.refresh_token!)).toBe(false);
    expect(sealed.includes('refresh_token')).toBe(false);
    expect(fs.statSync(path.join(app.dataDir, 'secrets.bin')).mode & 0o777).toBe(0o600);

    // Connected and pushed: the tray has nothing to complain about.
    await until(() => path.basename(app.tray().image) === 'idle.png', 'the tray to be idle');
  });
});
