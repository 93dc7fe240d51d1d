import path from 'node:path';
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import type { SecretStore } from '../secrets/store';
import { CairnError } from '../errors';
import { probeConnection } from './pgAdmin';
import { databaseOf, splitPassword } from './pgTools';
import { checkSqliteSource } from './sqliteSnap';
import {
  deleteDbSource,
  getDbSource,
  insertDbSource,
  passwordKey,
  type DbFormat,
  type DbSource,
} from './store';

export interface DbSourceInput {
  kind: 'postgres' | 'sqlite';
  /** PostgreSQL: a postgresql:// URL (a password in it is moved to the secret store). SQLite: a file path. */
  location: string;
  label?: string;
  format?: DbFormat;
  password?: string | null;
}

const FORMATS: Record<DbSource['kind'], DbFormat[]> = {
  postgres: ['custom', 'sql.gz'],
  sqlite: ['backup', 'vacuum'],
};

/** Adds a database source to a plan; its password (if any) goes to the secret store, never the catalog. */
export async function addDbSource(
  db: Db,
  plan: Plan,
  input: DbSourceInput,
  secrets: SecretStore,
  now: number,
  actor: string,
): Promise<DbSource> {
  const format = input.format ?? FORMATS[input.kind][0]!;
  if (!FORMATS[input.kind].includes(format))
    throw new CairnError(
      'usage',
      `The format ${format} is not one for ${input.kind}; use ${FORMATS[input.kind].join(' or ')}.`,
    );
  let location: string;
  let password = input.password ?? null;
  let label: string;
  if (input.kind === 'postgres') {
    const split = splitPassword(input.location);
    location = split.url;
    password ??= split.password;
    label = input.label ?? databaseOf(location);
  } else {
    location = path.resolve(input.location);
    checkSqliteSource(location);
    label = input.label ?? path.basename(location).replace(/\.(sqlite3?|db)$/i, '');
  }
  const s = db.transaction(() =>
    insertDbSource(
      db,
      { planId: plan.id, label, kind: input.kind, location, format },
      now,
      plan.sources.map((x) => x.label),
    ),
  )();
  if (password) await secrets.set(passwordKey(s), password);
  logActivity(db, {
    at: now,
    planId: plan.id,
    kind: 'settings',
    actor,
    message: `Database source ${s.label} (${s.kind}, ${s.location}) added to plan ${plan.name}`,
  });
  return s;
}

/**
 * Whether a PostgreSQL source's server answers with its stored password: null when it does (or for a SQLite
 * file), else why not, in a sentence. Told when a source is added rather than at tonight's backup.
 */
export async function probeDbSource(s: DbSource, secrets: SecretStore): Promise<string | null> {
  if (s.kind !== 'postgres') return null;
  return probeConnection({ url: s.location, password: await secrets.get(passwordKey(s)) });
}

/** Sets or clears the password of a PostgreSQL source. */
export async function setDbPassword(
  db: Db,
  plan: Plan,
  label: string,
  password: string | null,
  secrets: SecretStore,
  now: number,
  actor: string,
): Promise<void> {
  const s = getDbSource(db, plan.id, label);
  if (s.kind !== 'postgres') throw new CairnError('usage', `${label} is a SQLite file; it has no password.`);
  if (password) await secrets.set(passwordKey(s), password);
  else await secrets.delete(passwordKey(s));
  logActivity(db, {
    at: now,
    planId: plan.id,
    kind: 'settings',
    actor,
    message: `Password of database source ${label} ${password ? 'changed' : 'removed'}`,
  });
}

/** Removes a database source (its dumps stay in the backups) and its password. */
export async function removeDbSource(
  db: Db,
  plan: Plan,
  label: string,
  secrets: SecretStore,
  now: number,
  actor: string,
): Promise<DbSource> {
  const s = getDbSource(db, plan.id, label);
  deleteDbSource(db, s.id);
  await secrets.delete(passwordKey(s));
  logActivity(db, {
    at: now,
    planId: plan.id,
    kind: 'settings',
    actor,
    message: `Database source ${label} removed from plan ${plan.name} (its dumps stay in the backups)`,
  });
  return s;
}
