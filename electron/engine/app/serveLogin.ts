// "Start Cairn when I log in" under `cairn serve`: on Linux a systemd user unit that runs the same `cairn
// serve` command line (absolute node and script), or an XDG autostart entry where systemd --user is not
// there; elsewhere it says plainly that it cannot. The app uses its login item instead (electron/main).
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../errors';
import { configHome, desktopEntry, isAutostartInstalled, writeLoginFile } from './loginFiles';

export const SERVE_UNIT = 'cairn-serve.service';
export const SERVE_DESKTOP = 'cairn-serve.desktop';

/** Start at login as a face does it: whether it can, its state, and a sentence saying how. */
export interface LoginItemControl {
  supported: boolean;
  get(): boolean;
  /** Switches it on or off; throws a usage error where it cannot. */
  set(on: boolean): void;
  /** What was written and what (if anything) the user still runs, or why it cannot be done here. */
  note(): string;
}

export interface ServeLoginFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The command line that runs this `cairn serve` again. */
  command: string[];
  /** Whether a systemd user manager runs for this user. */
  systemd: boolean;
}

/** The `cairn serve` command line to start at login: absolute node and script, the same data folder. */
export function serveCommand(o: {
  node: string;
  script: string;
  dataDir: string;
  port?: number;
  host?: string;
}): string[] {
  const remote = o.host && o.host !== '127.0.0.1' ? ['--host', o.host, '--allow-remote'] : [];
  const port = o.port !== undefined ? ['--port', String(o.port)] : [];
  return [
    path.resolve(o.node),
    path.resolve(o.script),
    '--data-dir',
    path.resolve(o.dataDir),
    'serve',
    ...port,
    ...remote,
  ];
}

/** Quotes one argument for ExecStart (systemd.syntax: quotes, backslash escapes; % and $ doubled). */
export function unitArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["\\])/g, '\\$1')}"`;
}

/** The systemd user unit that runs `command` when the user's session starts. */
export function serveUnit(command: string[]): string {
  return [
    '[Unit]',
    'Description=Cairn backups (cairn serve: schedule, watcher and the UI on 127.0.0.1)',
    '',
    '[Service]',
    `ExecStart=${command.map(unitArg).join(' ')}`,
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** True when a systemd user manager runs: its runtime folder exists ($XDG_RUNTIME_DIR/systemd). */
export function hasSystemdUser(env: NodeJS.ProcessEnv, uid: number): boolean {
  const runtime = env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
  return fs.existsSync(path.join(runtime, 'systemd'));
}

/** Where the files live. */
export function serveLoginPaths(env: NodeJS.ProcessEnv, home: string) {
  const config = configHome(env, home);
  const units = path.join(config, 'systemd', 'user');
  return {
    unit: path.join(units, SERVE_UNIT),
    wants: path.join(units, 'default.target.wants', SERVE_UNIT),
    desktop: path.join(config, 'autostart', SERVE_DESKTOP),
  };
}

/** Start at login for `cairn serve` on this system. */
export function serveLoginItem(f: ServeLoginFacts): LoginItemControl {
  const p = serveLoginPaths(f.env, f.home);
  const supported = f.platform === 'linux' || f.platform === 'freebsd' || f.platform === 'openbsd';
  const how = () => (f.systemd ? 'systemd' : 'xdg');
  const cannot = `Under cairn serve, Cairn can start at login on Linux only (a systemd user unit or an autostart entry); on this system (${f.platform}) use the desktop app's "Start at login", or add the cairn serve command to your system's startup programs.`;
  const get = () => supported && (fs.existsSync(p.unit) || isAutostartInstalled(p.desktop));
  return {
    supported,
    get,
    set(on) {
      if (!supported) throw new CairnError('usage', cannot);
      if (!on) {
        // What `systemctl --user disable` removes too, so no dangling link is left.
        for (const file of [p.wants, p.unit, p.desktop]) fs.rmSync(file, { force: true });
        return;
      }
      if (how() === 'systemd') writeLoginFile(p.unit, serveUnit(f.command));
      else
        writeLoginFile(
          p.desktop,
          desktopEntry(f.command, { name: 'Cairn (serve)', comment: 'Cairn backups, headless' }),
        );
    },
    note() {
      if (!supported) return cannot;
      if (fs.existsSync(p.unit))
        return fs.existsSync(p.wants)
          ? `Cairn starts at login through the systemd user unit ${p.unit} (enabled).`
          : `Cairn wrote the systemd user unit ${p.unit}. Switch it on once with: systemctl --user enable cairn-serve`;
      if (isAutostartInstalled(p.desktop))
        return `Cairn starts at your next desktop login through the autostart entry ${p.desktop}.`;
      return how() === 'systemd'
        ? `Switching this on writes a systemd user unit (${p.unit}) that runs this cairn serve at login.`
        : `Switching this on writes an autostart entry (${p.desktop}) that runs this cairn serve at your desktop login.`;
    },
  };
}
