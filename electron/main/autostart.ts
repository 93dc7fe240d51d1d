// Start at login. macOS and Windows use Electron's login items; on Linux Electron's setting does nothing,
// so Cairn writes an XDG autostart entry. Everything here is plain Node, tested with a temp HOME.
import fs from 'node:fs';
import path from 'node:path';
import { configHome, desktopEntry, writeLoginFile } from '../engine/app/loginFiles';

export { desktopEntry, execArg, isAutostartInstalled } from '../engine/app/loginFiles';

/** The argument a login start passes, so Cairn starts hidden in the tray. */
export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'cairn.desktop';

/** How start at login is done on an OS: Electron's login items, an XDG autostart file, or not at all. */
export function loginItemMethod(platform: NodeJS.Platform): 'electron' | 'xdg' | 'none' {
  if (platform === 'darwin' || platform === 'win32') return 'electron';
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') return 'xdg';
  return 'none';
}

export interface LaunchFacts {
  execPath: string;
  env: NodeJS.ProcessEnv;
  isPackaged: boolean;
  /** The app folder, passed to the Electron binary when not packaged (npm start). */
  appPath: string;
}

/**
 * The command that starts this Cairn again. An AppImage runs from a temporary mount that is gone at the
 * next login, so its own path ($APPIMAGE) is used; unpackaged, Electron needs the app folder.
 */
export function launchCommand(f: LaunchFacts): string[] {
  const exe = f.env.APPIMAGE && f.isPackaged ? f.env.APPIMAGE : f.execPath;
  return f.isPackaged ? [exe, HIDDEN_ARG] : [exe, f.appPath, HIDDEN_ARG];
}

/** Where the autostart entry lives: $XDG_CONFIG_HOME/autostart, or ~/.config/autostart. */
export function autostartPath(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(configHome(env, home), 'autostart', AUTOSTART_FILE);
}

/** Writes the autostart entry atomically. */
export function installAutostart(file: string, command: string[]): void {
  writeLoginFile(file, desktopEntry(command));
}

/** Removes the autostart entry; absent is fine. */
export function removeAutostart(file: string): void {
  fs.rmSync(file, { force: true });
}

/** True when this start came from a login item: Cairn then stays in the tray without a window. */
export function startedAtLogin(
  argv: readonly string[],
  platform: NodeJS.Platform,
  wasOpenedAtLogin = false,
): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && wasOpenedAtLogin);
}
