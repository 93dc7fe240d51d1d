import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnReady, stopChild } from '../helpers/child';
import type { DropFault, ProxyState } from './proxy';

const MAIN = path.resolve(__dirname, 'main.ts');

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
  const { child, info } = await spawnReady<
    Omit<SpawnedSftp, 'child' | 'state' | 'drop' | 'clearFaults' | 'resetCounters' | 'stop'> & {
      adminUrl: string;
    }
  >(MAIN, ['--dir', dir], 'the SFTP server');
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
    stop: () => stopChild(child),
  };
}
