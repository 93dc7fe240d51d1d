import type Database from 'better-sqlite3';
import { migration0001 } from './migrations/0001-init';
import { migration0002 } from './migrations/0002-drive';
import { migration0003 } from './migrations/0003-dbsources';
import { migration0004 } from './migrations/0004-retention';
import { migration0005 } from './migrations/0005-escaped-names';
import { migration0006 } from './migrations/0006-restores';
import { migration0007 } from './migrations/0007-drive-pieces';
import { migration0008 } from './migrations/0008-drive-sessions';
import { migration0009 } from './migrations/0009-drive-deltas';
import { migration0010 } from './migrations/0010-changes-index';
import { migration0011 } from './migrations/0011-remotes';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

/** Every migration, in order; a new one is a new numbered file appended here. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
];

/** Applies each migration newer than `PRAGMA user_version`, each in its own transaction. */
export function migrate(db: Database.Database, upTo = migrations.at(-1)?.version ?? 0): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `This catalog was written by a newer Cairn (schema ${current}, this one knows ${latest}); update Cairn.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return current;
}
