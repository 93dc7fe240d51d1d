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
 * Makes the data folder the user's alone: the folder and the folders in it 0700 (which closes everything
 * below them), every file in it 0600 (the catalog, its -wal and -shm, the secrets). Returns what it had to
 * tighten. It does not descend: in the app the folder also holds Chromium's caches.
 */
export function securePermissions(dataDir: string): string[] {
  const fixed: string[] = [];
  const tighten = (p: string, isDir: boolean) => {
    const want = isDir ? 0o700 : 0o600;
    if ((fs.statSync(p).mode & 0o777 & ~want) === 0) return;
    fs.chmodSync(p, want);
    fixed.push(p);
  };
  tighten(dataDir, true);
  for (const e of fs.readdirSync(dataDir, { withFileTypes: true }))
    if (e.isDirectory() || e.isFile()) tighten(path.join(dataDir, e.name), e.isDirectory());
  return fixed;
}

/** Cairn's own items (the folder, the catalog, the secrets): widened, they are worth a warning. */
const OWN = /^(catalog\.sqlite|secrets\.)/;

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
  const own = fixed.filter((p) => p === dataDir || OWN.test(path.basename(p)));
  if (own.length) {
    const message = `Others could read Cairn's data: made ${own.length} item(s) readable by you only (${own.slice(0, 3).join(', ')}${own.length > 3 ? ', ...' : ''}).`;
    warn(message);
    logActivity(db, { at: Date.now(), kind: 'settings', level: 'warning', actor: 'cairn', message });
  }
  return db;
}
