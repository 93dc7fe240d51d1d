import fs from 'node:fs';
import path from 'node:path';
import type { DbFormat, DbKind, DbSource } from './store';

/** The name of the small description kept beside each dump in the backup. */
export const INFO_FILE = 'cairn-database.json';

/** What a backup says about one database it holds; enough to restore it without the catalog. */
export interface SourceInfo {
  version: 1;
  kind: DbKind;
  format: DbFormat;
  /** The dump or snapshot's file name in the same folder. */
  file: string;
  /** PostgreSQL: the database's name. SQLite: the original file's path. */
  database: string;
  dumpedAt: string;
  howToRestore: string;
}

function recipe(s: DbSource, file: string): string {
  if (s.kind === 'sqlite')
    return `cp ${file} /path/to/restored.sqlite (or: cairn dbsource restore BACKUP ${s.label} --to-file PATH)`;
  return s.format === 'custom'
    ? `createdb NEWDB && pg_restore --dbname=NEWDB --no-owner ${file} (or: cairn dbsource restore BACKUP ${s.label} --to-database NEWDB)`
    : `createdb NEWDB && gunzip -c ${file} | psql -v ON_ERROR_STOP=1 NEWDB (or: cairn dbsource restore BACKUP ${s.label} --to-database NEWDB)`;
}

/** Writes the description beside a fresh dump. */
export function writeSourceInfo(dir: string, s: DbSource, file: string, at: number): void {
  const database =
    s.kind === 'sqlite' ? s.location : decodeURIComponent(new URL(s.location).pathname.slice(1));
  const info: SourceInfo = {
    version: 1,
    kind: s.kind,
    format: s.format,
    file,
    database,
    dumpedAt: new Date(at).toISOString(),
    howToRestore: recipe(s, file),
  };
  fs.writeFileSync(path.join(dir, INFO_FILE), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
}

/** The description in a backed-up source folder, or null when the folder holds no database dump. */
export function readSourceInfo(dir: string): SourceInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(dir, INFO_FILE), 'utf8')) as SourceInfo;
    return v.version === 1 && typeof v.file === 'string' && !v.file.includes('/') ? v : null;
  } catch {
    return null;
  }
}
