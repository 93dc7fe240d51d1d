// Start at login. macOS and Windows use Electron's login items; on Linux Electron's setting does nothing,
// so Cairn writes an XDG autostart entry. Everything here is plain Node, tested with a temp HOME.
import fs from 'node:fs';
import path from 'node:path';

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

/** Quotes one argument for a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"). */
export function execArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`=]/.test(escaped) && escaped !== '') return escaped;
  // Inside double quotes, ", `, $ and \ take a backslash; then the string value escapes \ once more.
  const quoted = `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** The autostart desktop entry that starts Cairn hidden at login. */
export function desktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Cairn',
    'Comment=Keeps your folders backed up',
    `Exec=${command.map(execArg).join(' ')}`,
    'Icon=cairn',
    'Terminal=false',
    'Categories=Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Where the autostart entry lives: $XDG_CONFIG_HOME/autostart, or ~/.config/autostart. */
export function autostartPath(env: NodeJS.ProcessEnv, home: string): string {
  const config =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
      ? env.XDG_CONFIG_HOME
      : path.join(home, '.config');
  return path.join(config, 'autostart', AUTOSTART_FILE);
}

/** Writes the autostart entry atomically (a half-written entry would be ignored or worse at login). */
export function installAutostart(file: string, command: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, desktopEntry(command), { mode: 0o644 });
  fs.renameSync(tmp, file);
}

/** Removes the autostart entry; absent is fine. */
export function removeAutostart(file: string): void {
  fs.rmSync(file, { force: true });
}

/** True when the entry exists and is not switched off (Hidden=true or the GNOME switch set to false). */
export function isAutostartInstalled(file: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
}

/** True when this start came from a login item: Cairn then stays in the tray without a window. */
export function startedAtLogin(
  argv: readonly string[],
  platform: NodeJS.Platform,
  wasOpenedAtLogin = false,
): boolean {
  return argv.includes(HIDDEN_ARG) || (platform === 'darwin' && wasOpenedAtLogin);
}
