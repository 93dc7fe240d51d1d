// Runs one `rclone` command as a child process: its own retries off (Cairn retries), JSON logs on stderr,
// killed when the abort signal fires or when nothing moved for the idle timeout. One process per call keeps
// an abort, a timeout and a failure local to that call (no daemon to start, watch or stop).
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { CairnError } from '../errors';

/** How rclone is run: which config, which environment, how long a command may sit idle. */
export interface RcloneSetup {
  /** rclone's config file; null: rclone's own default (RCLONE_CONFIG, ~/.config/rclone/rclone.conf). */
  configFile: string | null;
  env: NodeJS.ProcessEnv;
  /** Kills a command whose input and output stood still this long (also rclone's --timeout). */
  idleMs: number;
  /** rclone's connection timeout. */
  connectMs: number;
}

/** A command that failed: rclone's exit code and the last thing it logged. */
export class RcloneFailure extends Error {
  constructor(
    message: string,
    /** rclone's exit code (3 directory not found, 4 file not found, 5 temporary...), null when killed. */
    readonly exitCode: number | null,
    /** Cairn killed it: nothing moved within the idle timeout. */
    readonly timedOut = false,
    /** The spawn failed (ENOENT: rclone is not installed). */
    readonly spawnCode: string | null = null,
  ) {
    super(message);
    this.name = 'RcloneFailure';
  }
}

export function cancelled(): CairnError {
  return new CairnError('cancelled', 'The rclone transfer was cancelled.');
}

/** A running command. */
export interface RcloneProcess {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when rclone exits 0; rejects with an RcloneFailure, or `cancelled` after an abort. */
  done: Promise<void>;
  /** Restarts the idle timer (bytes moved). */
  touch(): void;
  kill(): void;
}

const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** The flags every command gets: one try each (Cairn retries), errors only, as JSON, never a prompt. */
export function globalFlags(s: RcloneSetup): string[] {
  return [
    ...(s.configFile ? ['--config', s.configFile] : []),
    '--use-json-log',
    '--log-level',
    'ERROR',
    '--retries',
    '1',
    '--low-level-retries',
    '1',
    '--ask-password=false',
    '--contimeout',
    seconds(s.connectMs),
    '--timeout',
    seconds(s.idleMs),
  ];
}

/** What rclone said last: its final "Failed to ..." line, else the last JSON error, without the time stamp. */
export function lastWords(stderr: string): string {
  let plain = '';
  let json = '';
  for (const line of stderr.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    if (l.startsWith('{')) {
      try {
        const m = (JSON.parse(l) as { msg?: unknown }).msg;
        if (typeof m === 'string') json = m;
        continue;
      } catch {
        // not JSON after all: a plain line
      }
    }
    plain = l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\s+(\w+\s*:\s*)?/, '');
  }
  return (plain || json || 'rclone failed without saying why').slice(0, 2000);
}

/** Starts `rclone ARGS...` (global flags first). stdout is not read here: the caller reads it. */
export function startRclone(
  s: RcloneSetup,
  args: string[],
  o: { signal?: AbortSignal; stdin?: boolean } = {},
): RcloneProcess {
  if (o.signal?.aborted) throw cancelled();
  const child = spawn('rclone', [...globalFlags(s), ...args], {
    env: s.env,
    stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let timedOut = false;
  let aborted = false;
  let timer: NodeJS.Timeout | null = null;
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const touch = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, s.idleMs);
  };
  const onAbort = () => {
    aborted = true;
    kill();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  child.stderr!.on('data', (c: Buffer) => {
    touch();
    stderr = (stderr + c.toString('utf8')).slice(-64 * 1024);
  });
  child.stdin?.on('error', () => undefined); // EPIPE when rclone stops early: its exit says why
  touch();
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      finish();
      reject(new RcloneFailure(e.message, null, false, e.code ?? 'spawn'));
    });
    child.once('close', (code) => {
      finish();
      if (aborted) reject(cancelled());
      else if (code === 0) resolve();
      else if (timedOut)
        reject(new RcloneFailure(`nothing moved for ${seconds(s.idleMs)}: timeout`, null, true));
      else reject(new RcloneFailure(lastWords(stderr), code));
    });
  });
  done.catch(() => undefined); // awaited by the caller; never an unhandled rejection
  function finish() {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
  return { stdin: child.stdin!, stdout: child.stdout!, done, touch, kill };
}

/** Runs a command to its end and returns its stdout. */
export async function runRclone(
  s: RcloneSetup,
  args: string[],
  o: { signal?: AbortSignal } = {},
): Promise<string> {
  const p = startRclone(s, args, o);
  const out: Buffer[] = [];
  p.stdout.on('data', (c: Buffer) => {
    p.touch();
    out.push(c);
  });
  await p.done;
  return Buffer.concat(out).toString('utf8');
}

/** Writes one chunk to rclone's stdin, waiting until it is handed on (backpressure). */
export function writeChunk(w: Writable, c: Buffer): Promise<void> {
  return new Promise((resolve, reject) => w.write(c, (e) => (e ? reject(e) : resolve())));
}
