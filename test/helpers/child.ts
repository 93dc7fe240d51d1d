import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const TSX = path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs');

/**
 * Starts the TypeScript file `main` in a child process (through tsx) and waits for its ready line, one JSON
 * object on stdout (30 s at most); `what` names it in the errors ("the SFTP server").
 */
export async function spawnReady<T>(
  main: string,
  args: string[],
  what: string,
): Promise<{ child: ChildProcess; info: T }> {
  const child = spawn(process.execPath, [TSX, main, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(JSON.parse(l) as T);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code}`));
    });
  });
  return { child, info };
}

/** Stops a child started by spawnReady (SIGTERM) and waits for it to exit; at once when it has. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
