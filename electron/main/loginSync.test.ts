import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp';
import {
  autostartPath,
  installAutostart,
  isAutostartInstalled,
  launchCommand,
  removeAutostart,
} from './autostart';
import { syncLoginItem, type LoginItem } from './loginSync';
import { openShellHost, type ShellHost } from './serviceHost';

const hosts: ShellHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.close();
});

/** The Linux login item (loginItems.ts without Electron) under a temp HOME. */
function xdgItem(home: string): LoginItem & { file: string } {
  const file = autostartPath({}, home);
  const cmd = launchCommand({ execPath: '/opt/Cairn/cairn', env: {}, isPackaged: true, appPath: '' });
  return {
    file,
    get: () => isAutostartInstalled(file),
    set: (on) => (on ? installAutostart(file, cmd) : removeAutostart(file)),
  };
}

async function host(): Promise<ShellHost> {
  const notifier = { name: 'desktop', send: async () => {} };
  const h = (await openShellHost(path.join(tempDir(), 'data'), { notifier, log: () => {} })).host;
  hosts.push(h);
  return h;
}

const setting = async (h: ShellHost) => {
  const r = await h.call('settingsGet', {});
  return r.ok && (r.value as { startAtLogin: boolean }).startAtLogin;
};

describe('start at login', () => {
  it('writes and removes the autostart entry when the setting changes in Cairn', async () => {
    const h = await host();
    const item = xdgItem(tempDir());
    const afterCall = await syncLoginItem(h, item);
    expect(item.get()).toBe(false);
    for (const on of [true, false, true]) {
      const r = await h.call('settingsSet', { startAtLogin: on });
      expect(r.ok).toBe(true);
      afterCall('settingsSet', r.ok ? r.value : null);
      expect(item.get()).toBe(on);
    }
  });

  it('follows the OS at start: an entry the user removed switches the setting off', async () => {
    const h = await host();
    const item = xdgItem(tempDir());
    await h.call('settingsSet', { startAtLogin: true });
    expect(item.get()).toBe(false);
    await syncLoginItem(h, item);
    expect(await setting(h)).toBe(false);
    item.set(true);
    await syncLoginItem(h, item);
    expect(await setting(h)).toBe(true);
  });
});
