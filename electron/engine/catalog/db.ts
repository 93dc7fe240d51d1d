import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { logActivity } from './activity';
import { migrate } from './migrate';

export type Db = Database.Database;

/** The catalog file inside a data directory. */
export function catalogPath(dataDir: string): string {
  return path.join(dataDir, 'catalog.sqlite');
}

/**
 * Makes the data folder the user's alone: the folder and every folder in it 0700, every file 0600 (the
 * catalog, its -wal and -shm, the secrets). Returns what it had to tighten.
 */
export function securePermissions(dataDir: string): string[] {
  const fixed: string[] = [];
  const tighten = (p: string, isDir: boolean) => {
    const want = isDir ? 0o700 : 0o600;
    if ((fs.statSync(p).mode & 0o777 & ~want) === 0) return;
    fs.chmodSync(p, want);
    fixed.push(p);
  };
  const walk = (dir: string) => {
    tighten(dir, true);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) tighten(p, false);
    }
  };
  walk(dataDir);
  return fixed;
}

/**
 * Opens (creating if needed) the catalog in WAL mode with foreign keys on, and migrates it. The data folder
 * is made private first (see securePermissions); what had to be tightened is said through `warn` and the
 * activity log.
 */
export function openCatalog(
  dataDir: string,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fixed = securePermissions(dataDir);
  // SQLite gives the -wal and -shm files the catalog's own mode: create it 0600 before SQLite does.
  fs.closeSync(fs.openSync(catalogPath(dataDir), 'a', 0o600));
  const db = new Database(catalogPath(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  if (fixed.length) {
    const message = `Others could read Cairn's data folder: made ${fixed.length} item(s) readable by you only (${fixed.slice(0, 3).join(', ')}${fixed.length > 3 ? ', ...' : ''}).`;
    warn(message);
    logActivity(db, { at: Date.now(), kind: 'settings', level: 'warning', actor: 'cairn', message });
  }
  return db;
}
