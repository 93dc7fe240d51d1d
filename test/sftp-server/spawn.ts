import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { DropFault, ProxyState } from './proxy';

const MAIN = path.resolve(__dirname, 'main.ts');
const TSX = path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs');

export interface SpawnedSftp {
  child: ChildProcess;
  dir: string;
  configFile: string;
  dataDir: string;
  user: string;
  sshdPort: number;
  proxyPort: number;
  state(): Promise<ProxyState>;
  drop(f: DropFault): Promise<void>;
  clearFaults(): Promise<void>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts main.ts in a child process (through tsx) and waits for its ready line (30 s at most). */
export async function spawnSftpServer(dir: string): Promise<SpawnedSftp> {
  const child = spawn(process.execPath, [TSX, MAIN, '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: child.stdout! });
  const info = await new Promise<
    Omit<SpawnedSftp, 'child' | 'state' | 'drop' | 'clearFaults' | 'resetCounters' | 'stop'> & {
      adminUrl: string;
    }
  >((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SFTP server did not start within 30 s')), 30_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(JSON.parse(l));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SFTP server exited with code ${code}`));
    });
  });
  // A few tries: the server may close a kept-alive connection just as the next request goes out.
  const admin = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await fetch(info.adminUrl + route, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!r.ok) throw new Error(`SFTP server admin ${route}: ${r.status}`);
        return (await r.json()) as T;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  };
  return {
    ...info,
    child,
    state: () => admin<ProxyState>('GET', 'state'),
    drop: async (f) => void (await admin('POST', 'drop', f)),
    clearFaults: async () => void (await admin('DELETE', 'faults')),
    resetCounters: async () => void (await admin('POST', 'reset')),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
