import fs from 'node:fs';
import { escapeField, parseEntry, unescapeField, type ManifestEntry } from '../format/manifest';
import type { Db } from './db';

export interface FileVersion {
  id: number;
  path: string;
  name: string;
  kind: 'f' | 'd' | 'l';
  size: number;
  mtimeMs: number;
  mode: number;
  sha256: string | null;
  target: string | null;
  firstBackup: number;
  lastBackup: number | null;
}

/** Splits a manifest path into the parent folder ('' at the top) and the name. */
export function splitPath(p: string): { parent: string; name: string } {
  const i = p.lastIndexOf('/');
  return i < 0 ? { parent: '', name: p } : { parent: p.slice(0, i), name: p.slice(i + 1) };
}

/**
 * The catalog keeps parents and names in the manifest's escaped form (escapeField): SQLite text is UTF-8
 * and would turn a name's bytes that are not UTF-8 into U+FFFD. `dbText` goes in, `fromDb` comes out.
 */
export const dbText = escapeField;
export const fromDb = unescapeField;

function dbSplit(p: string): { parent: string; name: string } {
  const { parent, name } = splitPath(p);
  return { parent: dbText(parent), name: dbText(name) };
}

/** Reads a text file line by line synchronously, in chunks (for use inside a SQLite transaction). */
export function* readLinesSync(file: string): Generator<string> {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const parts = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = parts.pop()!;
      yield* parts;
    }
    if (rest) yield rest;
  } finally {
    fs.closeSync(fd);
  }
}

/** Ends a path's open version at a backup: (lastBackupId, planId, parent, name). */
const CLOSE_VERSION = `UPDATE file_versions SET last_backup = ? WHERE plan_id = ? AND parent = ? AND name = ? AND last_backup IS NULL`;

/** Prepared statements for recording versions. */
export function versionWriter(db: Db, planId: number) {
  const ins = db.prepare(
    `INSERT INTO file_versions (plan_id, parent, name, kind, size, mtime_ms, mode, sha256, target, first_backup)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const close = db.prepare(CLOSE_VERSION);
  return {
    open(e: ManifestEntry, backupId: number): void {
      const { parent, name } = dbSplit(e.path);
      const target = e.target === null ? null : dbText(e.target);
      ins.run(planId, parent, name, e.kind, e.size, e.mtimeMs, e.mode, e.sha256, target, backupId);
    },
    close(path: string, lastBackupId: number): void {
      const { parent, name } = dbSplit(path);
      close.run(lastBackupId, planId, parent, name);
    },
  };
}

/** Temporary tables of staged changes are named apart, for runs of several plans side by side. */
let stagings = 0;

/**
 * A run's changes file read into a temporary table of the catalog's connection ("-path" rows and "+entry"
 * rows as the manifest gives them, escaped for the catalog). It lives outside the catalog file: staging
 * writes nothing a reader sees and takes no lock a writer waits on, so a backup stages while its data is
 * synced, and the transaction that records it then inserts every new version with one statement.
 */
export class StagedChanges {
  private readonly table = `temp.cairn_changes_${process.pid}_${++stagings}`;

  constructor(
    private readonly db: Db,
    file: string,
  ) {
    db.exec(
      `CREATE TABLE ${this.table} (opens INTEGER NOT NULL, parent TEXT NOT NULL, name TEXT NOT NULL,
       kind TEXT, size INTEGER, mtime_ms REAL, mode INTEGER, sha256 TEXT, target TEXT)`,
    );
    try {
      const ins = db.prepare(`INSERT INTO ${this.table} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      db.transaction(() => {
        for (const line of readLinesSync(file)) {
          if (line.startsWith('+')) {
            const e = parseEntry(line.slice(1));
            const { parent, name } = dbSplit(e.path);
            const target = e.target === null ? null : dbText(e.target);
            ins.run(1, parent, name, e.kind, e.size, e.mtimeMs, e.mode, e.sha256, target);
          } else if (line.startsWith('-')) {
            const { parent, name } = dbSplit(unescapeField(line.slice(1)));
            ins.run(0, parent, name, null, null, null, null, null, null);
          } else if (line) throw new Error(`malformed changes line: ${line.slice(0, 80)}`);
        }
      })();
    } catch (e) {
      this.drop();
      throw e;
    }
  }

  /**
   * Records the changes: ends the previous backup's versions of the "-" paths, then starts the new
   * versions (in that order: a changed file's new version must not be ended with its old one). Call inside
   * the transaction that records the backup.
   */
  apply(planId: number, backupId: number, prevId: number | null): void {
    if (prevId !== null) {
      const close = this.db.prepare(CLOSE_VERSION);
      // A page at a time: the connection cannot write while it still reads from a statement.
      const page = this.db
        .prepare(
          `SELECT rowid, parent, name FROM ${this.table} WHERE opens = 0 AND rowid > ? ORDER BY rowid LIMIT 1000`,
        )
        .raw();
      for (let after = 0; ;) {
        const rows = page.all(after) as [number, string, string][];
        if (rows.length === 0) break;
        for (const [, parent, name] of rows) close.run(prevId, planId, parent, name);
        after = rows.at(-1)![0];
      }
    }
    this.db
      .prepare(
        `INSERT INTO file_versions (plan_id, parent, name, kind, size, mtime_ms, mode, sha256, target, first_backup)
         SELECT ?, parent, name, kind, size, mtime_ms, mode, sha256, target, ? FROM ${this.table}
         WHERE opens = 1 ORDER BY rowid`,
      )
      .run(planId, backupId);
  }

  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
  }
}

/**
 * Applies a run's changes file: "-path" ends the version that was in the previous backup, "+entry" starts
 * a new one. Call inside the transaction that records the backup.
 */
export function applyChanges(
  db: Db,
  planId: number,
  backupId: number,
  prevId: number | null,
  file: string,
): void {
  const staged = new StagedChanges(db, file);
  try {
    staged.apply(planId, backupId, prevId);
  } finally {
    staged.drop();
  }
}

/** Ends every open version of a plan at the given backup (used when a run had no previous manifest). */
export function closeAllOpen(db: Db, planId: number, lastBackupId: number): void {
  db.prepare('UPDATE file_versions SET last_backup = ? WHERE plan_id = ? AND last_backup IS NULL').run(
    lastBackupId,
    planId,
  );
}

/**
 * The versions a backup holds. "+first_backup" keeps SQLite off the (plan_id, first_backup) index here: with
 * it, a folder listing or one path's lookup would scan every version of the plan up to the backup instead of
 * searching the (plan_id, parent, name) index.
 */
export const IN_BACKUP = '+first_backup <= @b AND (last_backup IS NULL OR last_backup >= @b)';

/** The columns a FileVersion is read from, as arrays (cheaper than objects); the parent is read apart. */
const COLUMNS = 'id, name, kind, size, mtime_ms, mode, sha256, target, first_backup, last_backup';
type VersionRow = [
  id: number,
  name: string,
  kind: 'f' | 'd' | 'l',
  size: number,
  mtimeMs: number,
  mode: number,
  sha256: string | null,
  target: string | null,
  firstBackup: number,
  lastBackup: number | null,
  ...parent: string[], // iterateBackup reads the parent last
];

function toVersion(r: VersionRow, parent: string): FileVersion {
  const name = fromDb(r[1]);
  return {
    id: r[0],
    path: parent ? `${parent}/${name}` : name,
    name,
    kind: r[2],
    size: r[3],
    mtimeMs: r[4],
    mode: r[5],
    sha256: r[6],
    target: r[7] === null ? null : fromDb(r[7]),
    firstBackup: r[8],
    lastBackup: r[9],
  };
}

/** What one folder of a backup holds, from the catalog (no disk reads), by name. */
export function listFolder(
  db: Db,
  planId: number,
  backupId: number,
  parent: string,
  opts: { offset?: number; limit?: number } = {},
): FileVersion[] {
  const rows = db
    .prepare(
      `SELECT ${COLUMNS} FROM file_versions WHERE plan_id = @p AND parent = @parent AND ${IN_BACKUP}
       ORDER BY name LIMIT @limit OFFSET @offset`,
    )
    .raw(true)
    .all({
      p: planId,
      parent: dbText(parent),
      b: backupId,
      limit: opts.limit ?? -1,
      offset: opts.offset ?? 0,
    }) as VersionRow[];
  // The parent is the one asked for: not read again for every row.
  return rows.map((r) => toVersion(r, parent));
}

/** Every entry of a backup under a path (or all), in no particular order, streamed. */
export function* iterateBackup(db: Db, planId: number, backupId: number, under = ''): Generator<FileVersion> {
  const stmt = under
    ? db.prepare(
        `SELECT ${COLUMNS}, parent FROM file_versions WHERE plan_id = @p AND ${IN_BACKUP}
         AND (parent = @u OR parent LIKE @like ESCAPE '\\' OR (parent || '/' || name) = @u)`,
      )
    : db.prepare(`SELECT ${COLUMNS}, parent FROM file_versions WHERE plan_id = @p AND ${IN_BACKUP}`);
  const u = dbText(under);
  const like = u.replace(/[\\%_]/g, (c) => '\\' + c) + '/%';
  const rows = stmt.raw(true).iterate({ p: planId, b: backupId, u, like }) as Iterable<VersionRow>;
  for (const r of rows) yield toVersion(r, fromDb(r[10]!));
}

/** One path's entry in a backup, from the catalog; undefined when the backup does not hold it. */
export function versionAt(db: Db, planId: number, backupId: number, path: string): FileVersion | undefined {
  const { parent, name } = dbSplit(path);
  const row = db
    .prepare(
      `SELECT ${COLUMNS} FROM file_versions WHERE plan_id = @p AND parent = @parent AND name = @name AND ${IN_BACKUP}`,
    )
    .raw(true)
    .get({ p: planId, parent, name, b: backupId }) as VersionRow | undefined;
  return row && toVersion(row, splitPath(path).parent);
}
