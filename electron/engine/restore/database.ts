import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { logActivity } from '../catalog/activity';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { checkedDump } from '../dbsource/dumpIn';
import { createDatabase, databaseExists, dropDatabase, restoreDump } from '../dbsource/pgAdmin';
import { dumpPostgres } from '../dbsource/pgDump';
import { splitPassword, withDatabase, type PgConn } from '../dbsource/pgTools';
import { integrityProblems } from '../dbsource/sqliteSnap';
import { passwordKey } from '../dbsource/store';
import type { SecretStore } from '../secrets/store';
import { CairnError } from '../errors';
import { planLayout } from '../format/layout';
import { formatStamp } from '../format/stamp';
import { saveBeforeRestore } from './inPlace';

export interface DbRestoreOptions {
  db: Db;
  plan: Plan;
  backup: BackupRecord;
  label: string;
  /** PostgreSQL: the database to restore into (made; an existing one only with `force`). */
  toDatabase?: string;
  /** PostgreSQL: another server to restore to (default: the source's server). */
  url?: string;
  /** SQLite: the file to restore to (an existing one only with `force`, after a safety copy). */
  toFile?: string;
  force?: boolean;
  secrets: SecretStore;
  now: () => number;
  actor: string;
  signal?: AbortSignal;
}

export interface DbRestoreResult {
  backup: string;
  label: string;
  target: string;
  bytes: number;
  /** What was there before, saved first: a file path, or a pinned backup "PLAN/STAMP". */
  savedBefore: string | null;
}

/**
 * Restores one database source of a backup, after checking its dump against the manifest: PostgreSQL into
 * a database the user names, SQLite to a file. Never replaces an existing database or file without `force`,
 * and then saves what was there first.
 */
export async function restoreDatabase(o: DbRestoreOptions): Promise<DbRestoreResult> {
  const dump = await checkedDump(o.plan, o.backup, o.label);
  const r =
    dump.info.kind === 'postgres'
      ? await restorePostgres(o, dump.file, dump.info.format === 'sql.gz' ? 'sql.gz' : 'custom')
      : await restoreSqlite(o, dump.file);
  const result = { ...r, backup: `${o.plan.name}/${o.backup.stamp}`, label: o.label, bytes: dump.size };
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    backupId: o.backup.id,
    kind: 'restore',
    actor: o.actor,
    message:
      `Restored database ${o.label} of ${result.backup} to ${result.target}` +
      (result.savedBefore ? `; what was there is saved in ${result.savedBefore}` : ''),
  });
  return result;
}

async function restorePostgres(
  o: DbRestoreOptions,
  file: string,
  format: 'custom' | 'sql.gz',
): Promise<{ target: string; savedBefore: string | null }> {
  const name = o.toDatabase;
  if (!name)
    throw new CairnError('usage', `${o.label} is a PostgreSQL database: say where with --to-database NAME.`);
  let conn: PgConn;
  if (o.url) conn = splitPassword(o.url);
  else {
    const row = o.db
      .prepare('SELECT location FROM db_sources WHERE plan_id = ? AND label = ?')
      .get(o.plan.id, o.label) as { location: string } | undefined;
    if (!row)
      throw new CairnError(
        'usage',
        `Plan ${o.plan.name} no longer has the database source ${o.label}; say which server with --url postgresql://USER@HOST:PORT/postgres.`,
      );
    conn = { url: row.location, password: null };
  }
  if (conn.password === null) {
    const src = o.db
      .prepare('SELECT id FROM db_sources WHERE plan_id = ? AND label = ?')
      .get(o.plan.id, o.label) as { id: number } | undefined;
    if (src) conn.password = await o.secrets.get(passwordKey(src));
  }
  const target: PgConn = { ...conn, url: withDatabase(conn.url, name) };
  let savedBefore: string | null = null;
  if (await databaseExists(conn, name)) {
    if (!o.force)
      throw new CairnError(
        'conflict',
        `The database ${name} already exists; restore into a new name, or add --force to replace it (it is dumped first).`,
      );
    const dir = path.join(planLayout(o.plan.dest, o.plan.name).meta, 'before-restore', formatStamp(o.now()));
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const saved = await dumpPostgres(target, 'custom', dir, o.signal);
    savedBefore = path.join(dir, saved.file);
    await dropDatabase(conn, name);
  }
  await createDatabase(conn, name);
  try {
    await restoreDump(target, file, format, { signal: o.signal });
  } catch (e) {
    await dropDatabase(conn, name).catch(() => undefined); // ours, and only half restored
    throw e;
  }
  return { target: `database ${name}`, savedBefore };
}

async function restoreSqlite(
  o: DbRestoreOptions,
  file: string,
): Promise<{ target: string; savedBefore: string | null }> {
  if (!o.toFile)
    throw new CairnError('usage', `${o.label} is a SQLite database: say where with --to-file PATH.`);
  const target = path.resolve(o.toFile);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  // Checked on a copy: opening the one in the backup could leave -wal/-shm files beside it.
  const tmp = path.join(dir, `.${path.basename(target)}.cairn-restore`);
  fs.rmSync(tmp, { force: true });
  fs.copyFileSync(file, tmp);
  try {
    const bad = integrityProblems(tmp);
    if (bad)
      throw new CairnError('corrupt', `The snapshot of ${o.label} fails SQLite's integrity check (${bad}).`);
    if (!fs.existsSync(target)) {
      fs.renameSync(tmp, target);
      return { target, savedBefore: null };
    }
    if (!o.force)
      throw new CairnError(
        'conflict',
        `${target} already exists; restore to another path, or add --force to replace it (it is saved first).`,
      );
    const savedBefore = await saveExisting(o, target);
    // Into the live file through SQLite's backup API, so its own -wal/-shm stay coherent.
    const from = new Database(tmp, { readonly: true, fileMustExist: true });
    try {
      await from.backup(target, { progress: () => 1_000_000_000 });
    } finally {
      from.close();
    }
    const after = integrityProblems(target);
    if (after)
      throw new CairnError(
        'corrupt',
        `${target} fails SQLite's integrity check after the restore (${after}).`,
      );
    return { target, savedBefore };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The original file is saved as file restores save theirs (a pinned backup); another is copied beside. */
async function saveExisting(o: DbRestoreOptions, target: string): Promise<string> {
  const src = o.db
    .prepare('SELECT location FROM db_sources WHERE plan_id = ? AND label = ?')
    .get(o.plan.id, o.label) as { location: string } | undefined;
  if (src && path.resolve(src.location) === target) {
    const b = await saveBeforeRestore(o.db, o.plan, o.backup, o.now, o.actor, o.signal);
    return `${o.plan.name}/${b.stamp}`;
  }
  const saved = `${target}.before-restore-${formatStamp(o.now())}`;
  const cur = new Database(target, { readonly: true, fileMustExist: true });
  try {
    await cur.backup(saved, { progress: () => 1_000_000_000 });
  } finally {
    cur.close();
  }
  return saved;
}
