import fs from 'node:fs';
import zlib from 'node:zlib';
import { CairnError } from '../errors';
import { pgProblem, runPgTool, withDatabase, type PgConn } from './pgTools';

/** Runs SQL on the server's maintenance database ("postgres"), with psql variables bound safely. */
async function admin(conn: PgConn, sql: string, vars: Record<string, string>, what: string): Promise<string> {
  const url = withDatabase(conn.url, 'postgres');
  const args = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', `--dbname=${url}`];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  const r = await runPgTool('psql', args, { ...conn, url }, { stdin: sql });
  if (r.code !== 0) throw new CairnError('io', pgProblem('psql', r, url, what));
  return r.stdout.trim();
}

/** True when the server has a database of this name. */
export async function databaseExists(conn: PgConn, name: string): Promise<boolean> {
  const out = await admin(
    conn,
    "SELECT 1 FROM pg_database WHERE datname = :'name';\n",
    { name },
    `looking for database ${name}`,
  );
  return out === '1';
}

/** Creates an empty database. */
export async function createDatabase(conn: PgConn, name: string): Promise<void> {
  await admin(conn, 'CREATE DATABASE :"name";\n', { name }, `creating database ${name}`);
}

/** Drops a database, closing its connections first (PostgreSQL 13 and newer). */
export async function dropDatabase(conn: PgConn, name: string): Promise<void> {
  await admin(conn, 'DROP DATABASE IF EXISTS :"name" WITH (FORCE);\n', { name }, `dropping database ${name}`);
}

/** Reads a custom-format dump's table of contents (pg_restore --list); throws when it is not readable. */
export async function listDump(conn: PgConn, file: string): Promise<number> {
  const r = await runPgTool('pg_restore', ['--list', file], conn);
  if (r.code !== 0)
    throw new CairnError(
      'corrupt',
      `pg_restore cannot read the dump's contents: ${r.stderr.trim().split('\n')[0]}`,
    );
  return r.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
}

/**
 * Restores a dump into an existing (empty) database in one transaction, stopping at the first error:
 * custom format with pg_restore, plain SQL (gzipped) through psql.
 */
export async function restoreDump(
  conn: PgConn,
  file: string,
  format: 'custom' | 'sql.gz',
  o: { noOwner?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const what = `restoring into ${new URL(conn.url).pathname.slice(1)}`;
  if (format === 'custom') {
    const args = ['--exit-on-error', '--single-transaction', `--dbname=${conn.url}`];
    if (o.noOwner) args.push('--no-owner', '--no-acl');
    const r = await runPgTool('pg_restore', [...args, file], conn, { signal: o.signal });
    if (r.code !== 0) throw new CairnError('io', pgProblem('pg_restore', r, conn.url, what));
    return;
  }
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  let r;
  try {
    r = await runPgTool(
      'psql',
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${conn.url}`],
      conn,
      { input, signal: o.signal },
    );
  } catch (e) {
    throw new CairnError('corrupt', `The SQL dump cannot be read (${(e as Error).message}).`);
  }
  if (r.code !== 0) throw new CairnError('io', pgProblem('psql', r, conn.url, what));
}

/** How many tables (outside the system schemas) a database has. */
export async function countTables(conn: PgConn): Promise<number> {
  const r = await runPgTool('psql', ['-X', '-q', '-A', '-t', `--dbname=${conn.url}`], conn, {
    stdin:
      "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema');\n",
  });
  if (r.code !== 0) throw new CairnError('io', pgProblem('psql', r, conn.url, 'counting tables'));
  return Number(r.stdout.trim());
}

/** Connects once (SELECT 1) to say at setup time what the next backup would find; null when it works. */
export async function probeConnection(conn: PgConn): Promise<string | null> {
  try {
    const r = await runPgTool('psql', ['-X', '-q', '-A', '-t', `--dbname=${conn.url}`], conn, {
      stdin: 'SELECT 1;\n',
    });
    return r.code === 0 ? null : pgProblem('psql', r, conn.url, 'checking the connection');
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
