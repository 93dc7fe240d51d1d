import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { spawnReady, stopChild } from '../helpers/child';
import type { Fault, FaultSpec } from './faults';
import type { LogEntry } from './server';
import type { StoredFile } from './store';

const MAIN = path.resolve(__dirname, 'main.ts');

/** What the standalone emulator prints when it is ready. */
export interface EmulatorInfo {
  url: string;
  authUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  dir: string;
  refreshToken?: string;
}

/** The state GET /__admin/state answers. */
export interface EmulatorState {
  rootId: string;
  uploadedBytes: number;
  usage: number;
  quotaBytes: number | null;
  /** Resumable upload sessions open now. */
  sessions: number;
  faults: Fault[];
  log: LogEntry[];
  files: StoredFile[];
}

/** An emulator in its own process, with the control calls of admin.ts. */
export interface SpawnedEmulator extends EmulatorInfo {
  child: ChildProcess;
  /** The environment that points Cairn at this emulator (CAIRN_DRIVE_API_URL and friends). */
  env: Record<string, string>;
  fault(spec: FaultSpec): Promise<Fault>;
  clearFaults(): Promise<void>;
  state(): Promise<EmulatorState>;
  setQuota(bytes: number | null): Promise<void>;
  revokeGrants(): Promise<void>;
  /** Forgets every open resumable session, as Google does after about a week. */
  expireSessions(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `main.ts` in a child process (through tsx) and waits for its ready line. */
export async function spawnEmulator(args: string[] = []): Promise<SpawnedEmulator> {
  const { child, info } = await spawnReady<EmulatorInfo>(
    MAIN,
    ['--refresh-token', ...args],
    'the Drive emulator',
  );
  const admin = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${info.url}__admin/${route}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`emulator admin ${route}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  return {
    ...info,
    child,
    env: {
      CAIRN_DRIVE_API_URL: info.url,
      CAIRN_OAUTH_TOKEN_URL: info.tokenUrl,
      CAIRN_OAUTH_AUTH_URL: info.authUrl,
      CAIRN_GOOGLE_CLIENT_ID: info.clientId,
      CAIRN_GOOGLE_CLIENT_SECRET: info.clientSecret,
      ...(info.refreshToken ? { CAIRN_DRIVE_REFRESH_TOKEN: info.refreshToken } : {}),
    },
    fault: (spec) => admin<Fault>('POST', 'faults', spec),
    clearFaults: async () => void (await admin('DELETE', 'faults')),
    state: () => admin<EmulatorState>('GET', 'state'),
    setQuota: async (bytes) => void (await admin('POST', 'quota', { bytes })),
    revokeGrants: async () => void (await admin('POST', 'revoke')),
    expireSessions: async () => (await admin<{ expired: number }>('POST', 'expire-sessions')).expired,
    stop: () => stopChild(child),
  };
}
