import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { CairnError } from '../errors';
import { databaseOf, pgProblem, runPgTool, serverOf, type PgConn } from './pgTools';

/** A table locked exclusively for this long fails the dump (a warning) instead of hanging the backup. */
const LOCK_WAIT = '--lock-wait-timeout=120000';

export interface DumpResult {
  /** The dump's file name inside the source's folder. */
  file: string;
  bytes: number;
}

/** The file name a dump of this database gets in the backup ("shop.dump", "shop.sql.gz"). */
export function dumpFileName(database: string, format: 'custom' | 'sql.gz'): string {
  const safe = database.replace(/[^\p{L}\p{N}._-]/gu, '_') || 'database';
  return format === 'custom' ? `${safe}.dump` : `${safe}.sql.gz`;
}

/**
 * Dumps one PostgreSQL database into `dir` with pg_dump: custom format (compressed, what pg_restore reads)
 * or plain SQL gzipped. pg_dump reads one snapshot, so the dump is consistent while others write.
 * Throws a CairnError with a sentence saying what to do (tool missing, server down, password refused).
 */
export async function dumpPostgres(
  conn: PgConn,
  format: 'custom' | 'sql.gz',
  dir: string,
  signal?: AbortSignal,
): Promise<DumpResult> {
  const database = databaseOf(conn.url);
  const file = dumpFileName(database, format);
  const out = path.join(dir, file);
  const tmp = `${out}.partial`;
  const what = `dumping ${database}`;
  let r;
  if (format === 'custom') {
    r = await runPgTool(
      'pg_dump',
      ['--format=custom', LOCK_WAIT, `--file=${tmp}`, `--dbname=${conn.url}`],
      conn,
      {
        signal,
      },
    );
  } else {
    const gz = zlib.createGzip({ level: 6 });
    const sink = pipeline(gz, fs.createWriteStream(tmp, { mode: 0o600 }));
    r = await runPgTool('pg_dump', ['--format=plain', LOCK_WAIT, `--dbname=${conn.url}`], conn, {
      signal,
      stdout: gz,
    });
    await sink;
  }
  if (r.code !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new CairnError('io', pgProblem('pg_dump', r, conn.url, what));
  }
  const bytes = fs.statSync(tmp).size;
  if (bytes === 0) {
    fs.rmSync(tmp, { force: true });
    throw new CairnError('io', `pg_dump wrote nothing for ${database} on ${serverOf(conn.url)}.`);
  }
  fs.renameSync(tmp, out);
  return { file, bytes };
}
