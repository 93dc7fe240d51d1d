import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate';

export type Db = Database.Database;

/** The catalog file inside a data directory. */
export function catalogPath(dataDir: string): string {
  return path.join(dataDir, 'catalog.sqlite');
}

/** Opens (creating if needed) the catalog in WAL mode with foreign keys on, and migrates it. */
export function openCatalog(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(catalogPath(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}
