import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { isSqliteFile } from '../format/sqliteFile';
import { CairnError, describeError, errnoCode } from '../errors';

/** Runs PRAGMA integrity_check on a database file; returns null when it says "ok", else its findings. */
export function integrityProblems(file: string): string | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const msgs = rows.map((r) => r.integrity_check);
    return msgs.length === 1 && msgs[0] === 'ok' ? null : msgs.slice(0, 5).join('; ');
  } catch (e) {
    return describeError(e);
  } finally {
    db.close();
  }
}

/** Checks that a file is there and is a SQLite database, with a sentence saying what to do otherwise. */
export function checkSqliteSource(file: string): void {
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    throw new CairnError(
      'source-missing',
      errnoCode(e) === 'ENOENT'
        ? `The SQLite database ${file} is not there; reconnect it or remove the source.`
        : `The SQLite database ${file} cannot be read (${errnoCode(e) ?? describeError(e)}).`,
    );
  }
  if (!isSqliteFile(file))
    throw new CairnError('usage', `${file} is not a SQLite database (its header says otherwise).`);
}

/**
 * Copies a live SQLite database into `dir` consistently, even while another process writes (WAL included):
 * with the online backup API in one step (as backup/copy.ts does), or VACUUM INTO for a compact copy.
 * The copy must pass PRAGMA integrity_check or the snapshot fails.
 */
export async function snapshotSqlite(
  file: string,
  method: 'backup' | 'vacuum',
  dir: string,
): Promise<{ file: string; bytes: number }> {
  checkSqliteSource(file);
  const name = path.basename(file);
  const out = path.join(dir, name);
  const tmp = `${out}.partial`;
  fs.rmSync(tmp, { force: true });
  const src = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    if (method === 'vacuum') src.prepare('VACUUM INTO ?').run(tmp);
    // One step: with small steps a writer in another process restarts the backup at each commit.
    else await src.backup(tmp, { progress: () => 1_000_000_000 });
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CairnError('io', `The SQLite database ${file} could not be copied (${describeError(e)}).`);
  } finally {
    src.close();
  }
  // A single self-contained file: rollback journal mode, so no -wal/-shm ever sits beside the snapshot.
  const copy = new Database(tmp, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const bad = integrityProblems(tmp);
  if (bad) {
    fs.rmSync(tmp, { force: true });
    throw new CairnError(
      'corrupt',
      `The copy of ${file} fails SQLite's integrity check (${bad}); the database itself may be damaged: check it with sqlite3 "${file}" "PRAGMA integrity_check".`,
    );
  }
  fs.renameSync(tmp, out);
  return { file: name, bytes: fs.statSync(out).size };
}
