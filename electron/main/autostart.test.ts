import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp';
import {
  autostartPath,
  desktopEntry,
  installAutostart,
  isAutostartInstalled,
  launchCommand,
  loginItemMethod,
  removeAutostart,
  startedAtLogin,
} from './autostart';

/** Reads an Exec value back the way a desktop session does (Desktop Entry Specification, "The Exec key"). */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\(.)/g, (_m, c: string) =>
    c === 's' ? ' ' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\\' ? '\\' : `\\${c}`,
  );
  const args: string[] = [];
  let cur = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < unescaped.length; i++) {
    const c = unescaped[i]!;
    if (quoted) {
      if (c === '\\' && '"`$\\'.includes(unescaped[i + 1] ?? '')) cur += unescaped[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = started = true;
    } else if (c === ' ') {
      if (started) args.push(cur);
      cur = '';
      started = false;
    } else {
      cur += c;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args.map((a) => a.replace(/%%/g, '%'));
}

function execLine(text: string): string {
  return /^Exec=(.*)$/m.exec(text)![1]!;
}

describe('login item method', () => {
  it('uses Electron on macOS and Windows and an XDG file on Linux', () => {
    expect(loginItemMethod('darwin')).toBe('electron');
    expect(loginItemMethod('win32')).toBe('electron');
    expect(loginItemMethod('linux')).toBe('xdg');
  });

  it('knows a login start by --hidden, or macOS telling so', () => {
    expect(startedAtLogin(['/opt/Cairn/cairn', '--hidden'], 'linux')).toBe(true);
    expect(startedAtLogin(['/opt/Cairn/cairn'], 'linux')).toBe(false);
    expect(startedAtLogin(['/Applications/Cairn.app'], 'darwin', true)).toBe(true);
  });
});

describe('launch command', () => {
  it('uses the AppImage file, not its temporary mount', () => {
    const f = {
      execPath: '/tmp/.mount_CairnX1/cairn',
      env: { APPIMAGE: '/home/me/Apps/Cairn-0.1.0.AppImage' },
      isPackaged: true,
      appPath: '/tmp/.mount_CairnX1/resources/app.asar',
    };
    expect(launchCommand(f)).toEqual(['/home/me/Apps/Cairn-0.1.0.AppImage', '--hidden']);
  });

  it('passes the app folder to Electron when not packaged', () => {
    const f = {
      execPath: '/w/node_modules/electron/dist/electron',
      env: {},
      isPackaged: false,
      appPath: '/w',
    };
    expect(launchCommand(f)).toEqual(['/w/node_modules/electron/dist/electron', '/w', '--hidden']);
  });
});

describe('XDG autostart entry', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartPath({}, '/home/me')).toBe('/home/me/.config/autostart/cairn.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe('/cfg/autostart/cairn.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe(
      '/home/me/.config/autostart/cairn.desktop',
    );
  });

  it('quotes odd paths so the session runs exactly the same command', () => {
    const cmd = ['/home/me/My Apps/Cairn "beta" $HOME 100% \\x.AppImage', '--hidden'];
    const text = desktopEntry(cmd);
    expect(parseExec(execLine(text))).toEqual(cmd);
    expect(parseExec(execLine(desktopEntry(['/opt/Cairn/cairn', '--hidden'])))).toEqual([
      '/opt/Cairn/cairn',
      '--hidden',
    ]);
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Cairn\n/);
  });

  it('installs, is seen, starts the app hidden, and is removed, under a temp HOME', () => {
    const home = tempDir();
    const file = autostartPath({}, home);
    expect(isAutostartInstalled(file)).toBe(false);

    // A stand-in for the app at a path with a space: it records the arguments it was started with.
    const appDir = path.join(home, 'My Apps');
    fs.mkdirSync(appDir);
    const app = path.join(appDir, 'cairn');
    const seen = path.join(home, 'seen.txt');
    fs.writeFileSync(app, `#!/bin/sh\nprintf '%s\\n' "$@" > '${seen}'\n`, { mode: 0o755 });

    installAutostart(file, launchCommand({ execPath: app, env: {}, isPackaged: true, appPath: '' }));
    expect(isAutostartInstalled(file)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cairn.desktop']);

    const [exe, ...args] = parseExec(execLine(fs.readFileSync(file, 'utf8')));
    expect(spawnSync(exe!, args).status).toBe(0);
    expect(fs.readFileSync(seen, 'utf8')).toBe('--hidden\n');

    fs.appendFileSync(file, 'Hidden=true\n');
    expect(isAutostartInstalled(file)).toBe(false);
    removeAutostart(file);
    expect(fs.existsSync(file)).toBe(false);
    removeAutostart(file);
  });
});
