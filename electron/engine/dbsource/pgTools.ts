import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CairnError } from '../errors';

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

/** A PostgreSQL connection: the URL (never with a password) and the password from the secret store. */
export interface PgConn {
  url: string;
  password: string | null;
}

/** Splits a connection URL into the URL without its password and the password, if it had one. */
export function splitPassword(raw: string): { url: string; password: string | null } {
  const u = parseUrl(raw);
  const password = u.password ? decodeURIComponent(u.password) : null;
  u.password = '';
  return { url: u.toString(), password };
}

function parseUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CairnError(
      'usage',
      `"${raw.replace(/:[^:@/]*@/, ':***@')}" is not a connection URL; write postgresql://USER@HOST:PORT/DATABASE.`,
    );
  }
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:')
    throw new CairnError('usage', 'A PostgreSQL source needs a postgresql://USER@HOST:PORT/DATABASE URL.');
  return u;
}

/** A PostgreSQL server and database as separate fields (the app's form), instead of a connection URL. */
export interface PgFields {
  host: string;
  port?: number;
  database: string;
  user: string;
}

/** The connection URL of separate fields: postgresql://USER@HOST:PORT/DATABASE (never with a password). */
export function postgresUrl(f: PgFields): string {
  const missing = (['host', 'database', 'user'] as const).filter((k) => !f[k].trim());
  if (missing.length) throw new CairnError('usage', `A PostgreSQL source needs its ${missing.join(', ')}.`);
  // An IPv6 address goes in brackets; every other part is percent-encoded by its own rule.
  const host = f.host.includes(':') && !f.host.startsWith('[') ? `[${f.host}]` : f.host;
  const u = new URL(`postgresql://${host}`);
  if (f.port !== undefined) u.port = String(f.port);
  u.username = encodeURIComponent(f.user);
  u.pathname = `/${encodeURIComponent(f.database)}`;
  return u.toString();
}

/** The database a URL names. */
export function databaseOf(url: string): string {
  const name = decodeURIComponent(parseUrl(url).pathname.replace(/^\//, ''));
  if (!name) throw new CairnError('usage', `The URL ${url} names no database; add /DATABASE at its end.`);
  return name;
}

/** The same connection, to another database of the server. */
export function withDatabase(url: string, database: string): string {
  const u = parseUrl(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** "host:port" of a URL, for messages. */
export function serverOf(url: string): string {
  const u = parseUrl(url);
  return `${u.hostname || 'the local socket'}${u.port ? `:${u.port}` : ''}`;
}

function newestDebianBin(): string | null {
  const root = '/usr/lib/postgresql';
  let versions: string[];
  try {
    versions = fs.readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    return null;
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, 'bin') : null;
}

/**
 * Where a PostgreSQL client program is: $CAIRN_PG_BIN when set (only there), else PATH, else the newest
 * Debian/Ubuntu /usr/lib/postgresql/N/bin. Null when it is nowhere.
 */
export function findPgTool(tool: PgTool, env: NodeJS.ProcessEnv = process.env): string | null {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  const dirs = env.CAIRN_PG_BIN
    ? [env.CAIRN_PG_BIN]
    : [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), newestDebianBin()];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, exe);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

export interface ToolRun {
  code: number;
  stderr: string;
  stdout: string;
}

export interface ToolOptions {
  signal?: AbortSignal;
  /** Where stdout goes (a file descriptor or stream); collected into `stdout` when absent. */
  stdout?: NodeJS.WritableStream;
  stdin?: string;
  /** Streamed to the program's stdin (a gunzipped SQL dump for psql). */
  input?: NodeJS.ReadableStream;
}

/** Runs a PostgreSQL client program without ever prompting; the password goes in its environment only. */
export async function runPgTool(
  tool: PgTool,
  args: string[],
  conn: PgConn,
  o: ToolOptions = {},
): Promise<ToolRun> {
  const bin = findPgTool(tool);
  if (!bin)
    throw new CairnError(
      'source-missing',
      `${tool} was not found; install the PostgreSQL client tools (Debian/Ubuntu: apt install postgresql-client) or set CAIRN_PG_BIN to their folder.`,
    );
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'cairn' };
  if (conn.password !== null) env.PGPASSWORD = conn.password;
  const child = spawn(bin, ['--no-password', ...args], {
    env,
    stdio: [o.stdin === undefined && !o.input ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    signal: o.signal,
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 65536) stderr += d;
  });
  if (o.stdout) child.stdout!.pipe(o.stdout);
  else
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < 1 << 20) stdout += d;
    });
  if (o.stdin !== undefined) child.stdin!.end(o.stdin);
  let inputError: unknown = null;
  if (o.input) {
    child.stdin!.on('error', () => undefined); // psql stopped reading: its exit code says why
    o.input.on('error', (e) => {
      inputError = e;
      child.stdin!.destroy();
    });
    o.input.pipe(child.stdin!);
  }
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? -1));
  });
  if (inputError) throw inputError;
  return { code, stderr: redact(stderr, conn.password), stdout };
}

function redact(s: string, secret: string | null): string {
  return secret ? s.split(secret).join('***') : s;
}

/** Turns a PostgreSQL client's error output into one plain sentence saying what to do. */
export function pgProblem(tool: PgTool, r: ToolRun, url: string, what: string): string {
  const e = r.stderr;
  const server = serverOf(url);
  const user = decodeURIComponent(new URL(url).username) || 'the current user';
  if (/password authentication failed|authentication failed/i.test(e))
    return `PostgreSQL at ${server} refused the password of ${user} (${what}); set the right one with: cairn dbsource password PLAN LABEL --password-stdin.`;
  if (/no password supplied|password is required/i.test(e))
    return `PostgreSQL at ${server} asks for a password for ${user} (${what}); give it with: cairn dbsource password PLAN LABEL --password-stdin.`;
  if (
    /Connection refused|could not connect|No such file or directory|timeout expired|could not translate host/i.test(
      e,
    )
  )
    return `The PostgreSQL server at ${server} is not answering (${what}); is it running and reachable?`;
  if (/database "[^"]*" does not exist/i.test(e))
    return `The database ${databaseOf(url)} does not exist on ${server} (${what}); check the URL.`;
  if (/server version mismatch|aborting because of server version mismatch/i.test(e))
    return `${tool} is older than the server at ${server} (${what}); install the client tools of the server's version or newer.`;
  if (/permission denied/i.test(e))
    return `PostgreSQL at ${server} denied ${user} (${what}): ${firstError(e)}`;
  return `${tool} failed (${what}, exit ${r.code}): ${firstError(e) || 'no message'}`;
}

function firstError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.find((l) => /error|fatal/i.test(l)) ?? lines[0] ?? '';
  return line.replace(/^(pg_dump|pg_restore|psql): (error: )?/, '').slice(0, 300);
}
