// The app's life on the electron double: one instance per user, a start that cannot open its data, and the
// packaged build's menu. Each start loads a fresh main bundle.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MenuItem } from './electron-double';
import { launchApp, until } from './electron-double/load';
import { tempDir } from './helpers/tmp';

const ROOT = path.resolve(__dirname, '..');

/** Every role in a menu, depth first. */
const roles = (items: MenuItem[]): string[] =>
  items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);

/** Lets whatever 'ready' set off run (promise callbacks and a turn of the event loop or two). */
async function settle(app: { app: { isReady(): boolean } }): Promise<void> {
  await until(() => app.app.isReady(), 'the app to be ready');
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

describe('one Cairn per user', () => {
  it('a second start brings the first one’s window forward, even from the tray', async () => {
    const app = launchApp();
    try {
      await app.started();
      const w = app.window();
      w.close(); // to the tray
      expect(w.visible).toBe(false);
      const focused = w.focused;
      app.app.startSecondInstance(['cairn']);
      await until(() => w.visible, 'the window to show');
      expect(w.focused).toBeGreaterThan(focused);
      expect(app.windows).toHaveLength(1);
    } finally {
      expect(await app.quit()).toBe(0);
    }
  });

  it('a start that does not get the lock exits at once and opens nothing', async () => {
    const app = launchApp({ singleInstance: false });
    await settle(app);
    expect(app.app.lockRequested).toBe(true);
    expect(app.app.exitCode).toBe(0);
    // The data folder is the first Cairn's: this one must not open the catalog or start backups.
    expect(fs.existsSync(path.join(app.dataDir, 'catalog.sqlite'))).toBe(false);
    expect(app.windows).toEqual([]);
    expect(app.trays).toEqual([]);
    expect(app.ipcMain.handled()).toEqual([]);
    expect(app.record.applicationMenu).toBeNull();
  });
});

describe('starting', () => {
  it('says why when the data folder cannot be opened, and exits with 1', async () => {
    const notAFolder = path.join(tempDir(), 'data');
    fs.writeFileSync(notAFolder, 'a file where the data folder should be');
    const app = launchApp({ dataDir: notAFolder });
    await until(() => app.app.exitCode !== null, 'Cairn to give up');
    expect(app.app.exitCode).toBe(1);
    expect(app.record.errorBoxes).toEqual([{ title: 'Cairn could not start', content: expect.any(String) }]);
    expect(app.record.errorBoxes[0]!.content).not.toBe('');
  });
});

describe('the packaged app', () => {
  it('has an application menu without developer tools or reload, and a window that cannot open them', async () => {
    const app = launchApp({ isPackaged: true });
    try {
      await app.started();
      const r = roles(app.record.applicationMenu!.items);
      expect(r).toEqual(
        expect.arrayContaining(['fileMenu', 'editMenu', 'copy', 'paste', 'viewMenu', 'zoomIn']),
      );
      expect(r).not.toContain('toggleDevTools');
      expect(r).not.toContain('reload');
      expect(app.window().opts.webPreferences.devTools).toBe(false);
      // Packaged, the icons come from the resources folder beside app.asar.
      expect(app.tray().image).toBe(path.join(ROOT, 'resources', 'tray', 'linux', 'idle.png'));
    } finally {
      expect(await app.quit()).toBe(0);
    }
  });
});
