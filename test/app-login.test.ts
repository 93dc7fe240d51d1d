// Start at login through the app's settings (window.cairn.api.settingsSet), on the electron double: an XDG
// autostart entry on Linux, Electron's login items on macOS and Windows (here the app is told it runs on
// macOS). Each start loads a fresh main bundle.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../shared/result';
import { launchApp } from './electron-double/load';

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('start at login', () => {
  it('on Linux writes and removes the autostart entry, starting Cairn hidden', async () => {
    const app = launchApp();
    try {
      await app.started();
      const api = app.cairn().api;
      const entry = path.join(app.work, 'home', '.config', 'autostart', 'cairn.desktop');
      // The OS is the truth at start: no entry, so the setting is off.
      expect(value(await api.settingsGet({})).startAtLogin).toBe(false);
      expect(value(await api.settingsSet({ startAtLogin: true })).startAtLogin).toBe(true);
      expect(fs.readFileSync(entry, 'utf8')).toMatch(/^Exec=.* --hidden$/m);
      expect(value(await api.settingsSet({ startAtLogin: false })).startAtLogin).toBe(false);
      expect(fs.existsSync(entry)).toBe(false);
      expect(app.app.loginItemCalls).toEqual([]); // Electron's login items do nothing on Linux
    } finally {
      expect(await app.quit()).toBe(0);
    }
  });

  it('on macOS switches Electron’s login item on, then off', async () => {
    const app = launchApp({ platform: 'darwin' });
    try {
      await app.started();
      const api = app.cairn().api;
      expect(value(await api.settingsGet({})).startAtLogin).toBe(false);
      value(await api.settingsSet({ startAtLogin: true }));
      value(await api.settingsSet({ startAtLogin: false }));
      expect(app.app.loginItemCalls).toEqual([
        { openAtLogin: true, args: ['--hidden'] },
        { openAtLogin: false, args: ['--hidden'] },
      ]);
      // The macOS menu bar: the app menu first, and the tray's template images.
      expect(app.record.applicationMenu!.items[0]!.role).toBe('appMenu');
      expect(path.basename(app.tray().image)).toBe('idleTemplate.png');
    } finally {
      expect(await app.quit()).toBe(0);
    }
  });

  it('on macOS a start by the login item stays in the menu bar without a window', async () => {
    const app = launchApp({ platform: 'darwin', wasOpenedAtLogin: true });
    try {
      await app.started();
      expect(app.windows).toEqual([]);
      // Opening Cairn from the menu bar icon's menu creates the window.
      app.tray().menu.find((i) => i.label === 'Open Cairn')!.click!();
      expect(app.windows).toHaveLength(1);
    } finally {
      expect(await app.quit()).toBe(0);
    }
  });
});
