// The built main process, run in Node against the electron double (test/electron-double): the Electron
// binary cannot run here. This checks the wiring the pure tests cannot: the bundle loads, registers app://,
// opens a locked-down window whose preload exposes the contract, guards every IPC channel, sets the
// application menu, draws the tray, quits.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipcChannel, methodNames } from '../../shared/contract';
import { MANIFEST_CHANNEL, PICK_FOLDER_CHANNEL, SHOW_PATH_CHANNEL } from '../../shared/desktopChannels';
import type { MenuItem } from '../../test/electron-double';
import { launchApp, type LaunchedApp } from '../../test/electron-double/load';
import { CONTENT_SECURITY_POLICY } from './security';

const ROOT = path.resolve(__dirname, '../..');
let app: LaunchedApp;

/** Every role in a menu, depth first. */
const roles = (items: MenuItem[]): string[] =>
  items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);

beforeAll(async () => {
  app = launchApp();
  await app.started();
}, 60_000);

afterAll(async () => {
  await app.quit();
});

describe('the main process bundle', () => {
  it('registers app:// as a secure standard scheme and keeps its data in the data folder', () => {
    expect(app.record.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(app.app.paths.get('userData')).toBe(app.dataDir);
    expect(fs.existsSync(path.join(app.dataDir, 'catalog.sqlite'))).toBe(true);
  });

  it('opens one locked-down window on app://cairn with the bundled preload', () => {
    expect(app.windows).toHaveLength(1);
    const w = app.window();
    expect(w.webContents.url).toBe('app://cairn/#/overview');
    expect(w.opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: true,
    });
    expect(w.opts.webPreferences.preload).toBe(path.join(app.outDir, 'preload', 'index.cjs'));
    expect(w.visible).toBe(true);
  });

  it('serves the renderer with the CSP and refuses paths outside it', async () => {
    const serve = app.record.serve!;
    const res = await serve(new Request('app://cairn/#/overview'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).toContain('<title>Cairn</title>');
    expect((await serve(new Request('app://cairn/%2e%2e/main/index.cjs'))).status).toBe(404);
  });

  it('denies navigation away, new windows, and sends only allowed links to the browser', () => {
    const wc = app.window().webContents;
    let prevented = false;
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(wc.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.openHandler!({ url: 'https://drive.google.com/drive/folders/x' })).toEqual({ action: 'deny' });
    expect(app.record.openedUrls).toEqual(['https://drive.google.com/drive/folders/x']);
  });

  it('handles every contract method on its channel, for the app frame only', async () => {
    const handled = app.ipcMain.handled();
    for (const m of methodNames) expect(handled, m).toContain(ipcChannel(m));
    expect(handled).toContain(PICK_FOLDER_CHANNEL);
    expect(handled).toContain(SHOW_PATH_CHANNEL);
    expect(app.ipcMain.listened()).toEqual([MANIFEST_CHANNEL]);
    const evil = { url: 'https://evil.example/', parent: null };
    expect(await app.ipcMain.invoke(null, evil, ipcChannel('planList'), {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const framed = { url: 'app://cairn/#/overview', parent: { url: 'app://cairn/', parent: null } };
    expect(await app.ipcMain.invoke(null, framed, ipcChannel('planList'), {})).toMatchObject({ ok: false });
  });

  it('exposes the contract to the page through the preload, and nothing else', async () => {
    const world = app.window().webContents.world;
    expect(Object.keys(world)).toEqual(['cairn']);
    const cairn = app.cairn();
    expect(Object.keys(cairn.api).sort()).toEqual([...methodNames].sort());
    expect(await cairn.api.planList({})).toEqual({ ok: true, value: [] });
    expect(await cairn.desktop.pickFolder({ purpose: 'source' })).toEqual({
      ok: true,
      value: { path: null },
    });
    expect(() => cairn.on('noSuchEvent' as 'runProgress', () => {})).toThrow(/no event called/);
    // A folder is opened, a file only shown in its folder (never run), a path that is gone is said to be.
    const file = path.join(app.dataDir, 'shown.txt');
    fs.writeFileSync(file, 'x');
    expect(await cairn.desktop.showPath({ path: app.dataDir })).toEqual({
      ok: true,
      value: { shown: true, message: null },
    });
    expect(await cairn.desktop.showPath({ path: file })).toEqual({
      ok: true,
      value: { shown: true, message: null },
    });
    expect(app.record.shownPaths).toEqual([`open ${app.dataDir}`, `reveal ${file}`]);
    expect(await cairn.desktop.showPath({ path: path.join(app.dataDir, 'gone') })).toMatchObject({
      ok: true,
      value: { shown: false, message: expect.stringMatching(/is not there/) },
    });
  });

  it('sets an application menu with developer tools in development', () => {
    const menu = app.record.applicationMenu!;
    expect(menu).not.toBeNull();
    expect(roles(menu.items)).toEqual(
      expect.arrayContaining(['editMenu', 'copy', 'paste', 'toggleDevTools']),
    );
  });

  it('draws the tray from the service status', () => {
    const t = app.tray();
    expect(t.image).toBe(path.join(ROOT, 'resources', 'tray', 'linux', 'idle.png'));
    expect(t.tooltip).toBe('Cairn: No backup plan yet; open Cairn to set one up');
    expect(t.menu.find((i) => i.label === 'Back up now')).toMatchObject({ enabled: false });
  });

  it('hides the window on close instead of quitting, and quits cleanly from the tray', async () => {
    const w = app.window();
    w.close();
    expect(w.isDestroyed()).toBe(false);
    expect(w.visible).toBe(false);
    app.tray().menu.find((i) => i.label === 'Quit Cairn')!.click!();
    expect(await app.quit()).toBe(0);
    expect(app.record.messageBoxes).toEqual([]);
    expect(app.tray().destroyed).toBe(true);
  });
});
