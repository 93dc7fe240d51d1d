import type { Db } from '../catalog/db';
import { CairnError } from '../errors';

export type DbKind = 'postgres' | 'sqlite';
/** custom: pg_dump -Fc; sql.gz: plain SQL, gzipped; backup: SQLite online backup API; vacuum: VACUUM INTO. */
export type DbFormat = 'custom' | 'sql.gz' | 'backup' | 'vacuum';

export interface DbSource {
  id: number;
  planId: number;
  label: string;
  kind: DbKind;
  /** PostgreSQL: the connection URL without its password. SQLite: the database file's absolute path. */
  location: string;
  format: DbFormat;
  createdAt: number;
}

export interface DumpRecord {
  stamp: string;
  at: number;
  ok: boolean;
  file: string | null;
  bytes: number | null;
  durationMs: number;
  message: string | null;
}

export interface RestoreTestRecord {
  stamp: string;
  at: number;
  ok: boolean;
  detail: string;
  durationMs: number;
}

interface SourceRow {
  id: number;
  plan_id: number;
  label: string;
  kind: DbKind;
  location: string;
  format: DbFormat;
  created_at: number;
}

const toSource = (r: SourceRow): DbSource => ({
  id: r.id,
  planId: r.plan_id,
  label: r.label,
  kind: r.kind,
  location: r.location,
  format: r.format,
  createdAt: r.created_at,
});

/** The secret store key of a PostgreSQL source's password (never in the catalog or the logs). */
export function passwordKey(s: Pick<DbSource, 'id'>): string {
  return `dbsource.${s.id}.password`;
}

/** The database sources of a plan, by label. */
export function listDbSources(db: Db, planId: number): DbSource[] {
  return (
    db.prepare('SELECT * FROM db_sources WHERE plan_id = ? ORDER BY label').all(planId) as SourceRow[]
  ).map(toSource);
}

/** The database source of a plan with this label; a CairnError naming the known ones otherwise. */
export function getDbSource(db: Db, planId: number, label: string): DbSource {
  const r = db.prepare('SELECT * FROM db_sources WHERE plan_id = ? AND label = ?').get(planId, label) as
    SourceRow | undefined;
  if (r) return toSource(r);
  const known = listDbSources(db, planId).map((s) => s.label);
  throw new CairnError(
    'not-found',
    known.length
      ? `This plan has no database source "${label}"; it has: ${known.join(', ')}.`
      : `This plan has no database source "${label}"; add one with: cairn dbsource add PLAN --postgres URL --label LABEL (or --sqlite FILE).`,
  );
}

/** Stores a new database source; the label must not be taken by a folder or database source of the plan. */
export function insertDbSource(
  db: Db,
  s: Omit<DbSource, 'id' | 'createdAt'>,
  now: number,
  folderLabels: string[],
): DbSource {
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._ -]{0,63}$/u.test(s.label))
    throw new CairnError(
      'usage',
      `The label "${s.label}" is not usable: use letters, digits, dot, dash, underscore or space (up to 64).`,
    );
  if (folderLabels.includes(s.label) || listDbSources(db, s.planId).some((x) => x.label === s.label))
    throw new CairnError(
      'conflict',
      `The plan already has a source named "${s.label}"; choose another label (--label).`,
    );
  const info = db
    .prepare(
      'INSERT INTO db_sources (plan_id, label, kind, location, format, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(s.planId, s.label, s.kind, s.location, s.format, now);
  return { ...s, id: Number(info.lastInsertRowid), createdAt: now };
}

/** Forgets a database source and its history (its dumps stay in the backups). */
export function deleteDbSource(db: Db, id: number): void {
  db.prepare('DELETE FROM db_sources WHERE id = ?').run(id);
}

/** Records one dump or snapshot attempt, made for the backup with this stamp. */
export function recordDump(db: Db, sourceId: number, d: DumpRecord): void {
  db.prepare(
    `INSERT INTO db_dumps (source_id, stamp, at, ok, file, bytes, duration_ms, message)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sourceId, d.stamp, d.at, d.ok ? 1 : 0, d.file, d.bytes, Math.round(d.durationMs), d.message);
}

/** Records one test restore of a source's dump in a backup. */
export function recordRestoreTest(
  db: Db,
  sourceId: number,
  backupId: number | null,
  t: RestoreTestRecord,
): void {
  db.prepare(
    `INSERT INTO db_restore_tests (source_id, backup_id, stamp, at, ok, detail, duration_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(sourceId, backupId, t.stamp, t.at, t.ok ? 1 : 0, t.detail, Math.round(t.durationMs));
}

interface DumpRow {
  stamp: string;
  at: number;
  ok: number;
  file: string | null;
  bytes: number | null;
  duration_ms: number;
  message: string | null;
}

const toDump = (r: DumpRow): DumpRecord => ({
  stamp: r.stamp,
  at: r.at,
  ok: r.ok === 1,
  file: r.file,
  bytes: r.bytes,
  durationMs: r.duration_ms,
  message: r.message,
});

/** The newest dump attempt of a source, whatever its outcome. */
export function lastDump(db: Db, sourceId: number): DumpRecord | null {
  const r = db
    .prepare('SELECT * FROM db_dumps WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT 1')
    .get(sourceId) as DumpRow | undefined;
  return r ? toDump(r) : null;
}

/** The newest good dump of a source that is in a kept backup. */
export function lastGoodDump(db: Db, s: DbSource): DumpRecord | null {
  const r = db
    .prepare(
      `SELECT d.* FROM db_dumps d JOIN backups b ON b.plan_id = ? AND b.stamp = d.stamp AND b.status <> 'failed'
       WHERE d.source_id = ? AND d.ok = 1 ORDER BY d.at DESC, d.id DESC LIMIT 1`,
    )
    .get(s.planId, s.id) as DumpRow | undefined;
  return r ? toDump(r) : null;
}

/** The newest test restore of a source. */
export function lastRestoreTest(db: Db, sourceId: number): RestoreTestRecord | null {
  const r = db
    .prepare('SELECT * FROM db_restore_tests WHERE source_id = ? ORDER BY at DESC, id DESC LIMIT 1')
    .get(sourceId) as
    { stamp: string; at: number; ok: number; detail: string; duration_ms: number } | undefined;
  return r ? { stamp: r.stamp, at: r.at, ok: r.ok === 1, detail: r.detail, durationMs: r.duration_ms } : null;
}

export interface DbSourceView extends DbSource {
  lastDump: DumpRecord | null;
  lastGoodDump: DumpRecord | null;
  lastRestoreTest: RestoreTestRecord | null;
}

/** What the CLI and UI show for each database source of a plan: size, last dump, last test restore. */
export function dbSourceViews(db: Db, planId: number): DbSourceView[] {
  return listDbSources(db, planId).map((s) => ({
    ...s,
    lastDump: lastDump(db, s.id),
    lastGoodDump: lastGoodDump(db, s),
    lastRestoreTest: lastRestoreTest(db, s.id),
  }));
}
