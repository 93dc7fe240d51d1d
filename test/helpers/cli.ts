import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve(__dirname, '../../bin/cairn.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  cwd?: string;
  /** Kill it after this long (a test of something that must not hang); 5 minutes unless told. */
  timeoutMs?: number;
}

/** Runs the real `cairn` command (the built bundle) to completion. */
export function cairn(args: string[], o: CliOptions): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CAIRN_DATA_DIR: o.dataDir, ...o.env },
    uid: o.uid,
    gid: o.gid,
    cwd: o.cwd,
    timeout: o.timeoutMs ?? 300_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `cairn ... --json` and parses stdout. */
export function cairnJson<T = unknown>(
  args: string[],
  o: CliOptions,
): { code: number; value: T; stderr: string } {
  const r = cairn(['--json', ...args], o);
  let value: T;
  try {
    value = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`cairn ${args.join(' ')} printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, value, stderr: r.stderr };
}

/** Starts `cairn` without waiting (to kill it mid-run). */
export function cairnSpawn(args: string[], o: CliOptions): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, CAIRN_DATA_DIR: o.dataDir, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: o.uid,
    gid: o.gid,
  });
}

/**
 * Runs `cairn` to completion without blocking this process (a server the test runs here keeps answering,
 * which a spawnSync would stop); `env` is its whole environment.
 */
export function cairnAsync(
  args: string[],
  o: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: o.env,
    cwd: o.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeoutMs,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}
