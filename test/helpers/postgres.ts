import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './tmp';

/** A throwaway PostgreSQL cluster on 127.0.0.1 for one test file (password authentication, scram). */
export interface PgCluster {
  port: number;
  user: string;
  password: string;
  bin: string;
  /** postgresql://user@127.0.0.1:port/db, without the password (as Cairn stores it). */
  url(db: string): string;
  /** Runs SQL with psql as the superuser; returns stdout (unaligned, tuples only). Throws on error. */
  sql(db: string, sql: string): string;
  /** Starts psql reading statements from stdin (a writer process); write to its stdin, end it to stop. */
  spawnPsql(db: string): ChildProcess;
  stop(): void;
}

/** The newest PostgreSQL server programs installed (Debian layout), or null. */
export function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  let v: string[];
  try {
    v = fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, 'bin', 'initdb')));
  } catch {
    return null;
  }
  v.sort((a, b) => Number(b) - Number(a));
  return v.length ? path.join(root, v[0]!, 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: as root, the server runs as `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const passwd = fs.readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const line = passwd.find((l) => l.startsWith(`${name}:`));
    if (line) {
      const f = line.split(':');
      return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  throw new Error('Running as root and neither user postgres nor nobody exists to run PostgreSQL.');
}

function chownTree(p: string, uid: number, gid: number): void {
  fs.chownSync(p, uid, gid);
  if (fs.statSync(p).isDirectory()) for (const n of fs.readdirSync(p)) chownTree(path.join(p, n), uid, gid);
}

/** Starts a fresh cluster in a temp folder (initdb, then pg_ctl start on a free port). */
export async function startPostgres(): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin)
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/N/bin/initdb); see scripts/check.sh.',
    );
  const root = tempDir('cairn-pg-');
  const data = path.join(root, 'data');
  const sock = path.join(root, 'sock');
  fs.mkdirSync(sock);
  const user = 'cairn';
  const password = 'right-horse-battery';
  fs.writeFileSync(path.join(root, 'pw'), password + '\n');
  const as = serverUser();
  if (as) chownTree(root, as.uid, as.gid);
  const run = (prog: string, args: string[]) => {
    const r = spawnSync(path.join(bin, prog), args, {
      encoding: 'utf8',
      uid: as?.uid,
      gid: as?.gid,
      cwd: root,
      env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`${prog} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', [
    '-D',
    data,
    '-U',
    user,
    `--pwfile=${path.join(root, 'pw')}`,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '-N',
  ]);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run('pg_ctl', ['-D', data, '-l', path.join(root, 'log'), '-w', '-t', '60', '-o', opts, 'start']);
  const env = { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' };
  const url = (db: string) => `postgresql://${user}@127.0.0.1:${port}/${db}`;
  let stopped = false;
  return {
    port,
    user,
    password,
    bin,
    url,
    sql(db, sql) {
      const r = spawnSync(
        path.join(bin, 'psql'),
        ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', `--dbname=${url(db)}`],
        { input: sql, encoding: 'utf8', env, timeout: 60_000 },
      );
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout.trim();
    },
    spawnPsql(db) {
      return spawn(path.join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `--dbname=${url(db)}`], {
        env,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
  };
}
