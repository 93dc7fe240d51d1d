// The files that start a program at login on Linux: an XDG autostart desktop entry (the app, and `cairn
// serve` without systemd) and a systemd user unit (`cairn serve`). Plain Node, tested with a temp HOME.
import fs from 'node:fs';
import path from 'node:path';

/** $XDG_CONFIG_HOME when absolute (the spec ignores a relative one), else ~/.config. */
export function configHome(env: NodeJS.ProcessEnv, home: string): string {
  return env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME)
    ? env.XDG_CONFIG_HOME
    : path.join(home, '.config');
}

/** Quotes one argument for a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"). */
export function execArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`=]/.test(escaped) && escaped !== '') return escaped;
  // Inside double quotes, ", `, $ and \ take a backslash; then the string value escapes \ once more.
  const quoted = `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** An autostart desktop entry that runs `command` at login. */
export function desktopEntry(
  command: string[],
  o: { name: string; comment: string } = { name: 'Cairn', comment: 'Keeps your folders backed up' },
): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${o.name}`,
    `Comment=${o.comment}`,
    `Exec=${command.map(execArg).join(' ')}`,
    'Icon=cairn',
    'Terminal=false',
    'Categories=Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes a file atomically, 0644 (a half-written entry or unit would be ignored or worse at login). */
export function writeLoginFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text, { mode: 0o644 });
  fs.renameSync(tmp, file);
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
