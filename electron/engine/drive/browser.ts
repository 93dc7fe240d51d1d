import { spawn } from 'node:child_process';
import { CairnError } from '../errors';

/** The command that opens a URL in the default browser on each OS. */
export function openCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd built-in; the empty "" is the window title it would otherwise take from the URL.
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]];
  return ['xdg-open', [url]];
}

/**
 * Opens a URL in the system browser for the headless CLI (the app passes Electron's shell.openExternal
 * instead). Fails with a sentence that points at `--no-browser` when there is no browser to open.
 */
export function openInSystemBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const [cmd, args] = openCommand(url);
  return new Promise((resolve, reject) => {
    const fail = () =>
      reject(
        new CairnError(
          'usage',
          `Could not open a browser (${cmd}); run \`cairn drive connect --no-browser\` and open the address yourself.`,
        ),
      );
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true, env });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? resolve() : fail()));
    child.unref();
  });
}
