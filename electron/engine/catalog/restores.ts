import { SAFETY_PIN_DAYS } from '../../../shared/schemas/trust';
import type { ManifestEntry } from '../format/manifest';
import type { Db } from './db';
import { dbText, fromDb } from './versions';

/** One side of a change: what a path held (kind and content), or null when nothing was there. */
export type PathState = Pick<
  ManifestEntry,
  'kind' | 'size' | 'mtimeMs' | 'mode' | 'sha256' | 'target'
> | null;

/** What an in-place restore did to one path: what was there before, and what it left there. */
export interface RestoreChange {
  path: string;
  before: PathState;
  after: PathState;
}

/** An in-place restore, with the "before restore" backup that holds what it replaced. */
export interface RestoreRecord {
  id: number;
  planId: number;
  /** The backup restored. */
  stamp: string;
  safetyBackupId: number | null;
  safetyStamp: string;
  at: number;
  actor: string;
  undoneAt: number | null;
  releasedAt: number | null;
}

interface RestoreRow {
  id: number;
  plan_id: number;
  stamp: string;
  safety_backup_id: number | null;
  safety_stamp: string;
  at: number;
  actor: string;
  undone_at: number | null;
  released_at: number | null;
}

const DAY = 86_400_000;
const COLS = ['kind', 'size', 'mtime_ms', 'mode', 'sha256', 'target'] as const;

function toRecord(r: RestoreRow): RestoreRecord {
  return {
    id: r.id,
    planId: r.plan_id,
    stamp: r.stamp,
    safetyBackupId: r.safety_backup_id,
    safetyStamp: r.safety_stamp,
    at: r.at,
    actor: r.actor,
    undoneAt: r.undone_at,
    releasedAt: r.released_at,
  };
}

/** Records an in-place restore (its changes follow with writeChanges) and returns its id. */
export function insertRestore(db: Db, r: Omit<RestoreRecord, 'id' | 'undoneAt' | 'releasedAt'>): number {
  const info = db
    .prepare(
      `INSERT INTO restores (plan_id, stamp, safety_backup_id, safety_stamp, at, actor)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(r.planId, r.stamp, r.safetyBackupId, r.safetyStamp, r.at, r.actor);
  return Number(info.lastInsertRowid);
}

const side = (s: PathState) =>
  s
    ? [s.kind, s.size, s.mtimeMs, s.mode, s.sha256, s.target === null ? null : dbText(s.target)]
    : [null, null, null, null, null, null];

/** Appends changes of a restore (in the order given, which is the order an undo reads them back). */
export function writeChanges(db: Db, restoreId: number, first: number, changes: RestoreChange[]): void {
  const names = [...COLS.map((c) => `before_${c}`), ...COLS.map((c) => `after_${c}`)];
  const ins = db.prepare(
    `INSERT INTO restore_changes (restore_id, seq, path, ${names.join(', ')})
     VALUES (?, ?, ?, ${names.map(() => '?').join(', ')})`,
  );
  db.transaction(() => {
    changes.forEach((c, i) =>
      ins.run(restoreId, first + i, dbText(c.path), ...side(c.before), ...side(c.after)),
    );
  })();
}

type ChangeRow = Record<string, string | number | null> & { path: string };

function stateOf(r: ChangeRow, prefix: 'before_' | 'after_'): PathState {
  const kind = r[`${prefix}kind`] as 'f' | 'd' | 'l' | null;
  if (!kind) return null;
  return {
    kind,
    size: r[`${prefix}size`] as number,
    mtimeMs: r[`${prefix}mtime_ms`] as number,
    mode: r[`${prefix}mode`] as number,
    sha256: r[`${prefix}sha256`] as string | null,
    target: r[`${prefix}target`] === null ? null : fromDb(r[`${prefix}target`] as string),
  };
}

/** The changes of a restore, in the order they were recorded (manifest order: a folder before its content). */
export function listChanges(db: Db, restoreId: number): RestoreChange[] {
  const rows = db
    .prepare('SELECT * FROM restore_changes WHERE restore_id = ? ORDER BY seq')
    .all(restoreId) as ChangeRow[];
  return rows.map((r) => ({
    path: fromDb(r.path),
    before: stateOf(r, 'before_'),
    after: stateOf(r, 'after_'),
  }));
}

/** The in-place restore whose "before restore" backup is plan/safetyStamp, if one. */
export function findRestore(db: Db, planId: number, safetyStamp: string): RestoreRecord | undefined {
  const r = db
    .prepare('SELECT * FROM restores WHERE plan_id = ? AND safety_stamp = ?')
    .get(planId, safetyStamp) as RestoreRow | undefined;
  return r && toRecord(r);
}

/** Marks a restore undone, once: false when it already was (another undo got there first). */
export function markUndone(db: Db, id: number, at: number): boolean {
  return (
    db.prepare('UPDATE restores SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(at, id).changes ===
    1
  );
}

/** When the pin of a restore's "before restore" backup is handed back to retention, unless undone sooner. */
export function safetyPinUntil(at: number): number {
  return at + SAFETY_PIN_DAYS * DAY;
}

/**
 * Hands the pins of "before restore" backups back to retention once their restore is undone or
 * SAFETY_PIN_DAYS old (each once: a backup pinned again by hand later stays pinned). Returns their stamps.
 */
export function releaseSafetyPins(db: Db, planId: number, now: number): string[] {
  const due = db
    .prepare(
      `SELECT * FROM restores WHERE plan_id = ? AND released_at IS NULL AND (undone_at IS NOT NULL OR at <= ?)`,
    )
    .all(planId, now - SAFETY_PIN_DAYS * DAY) as RestoreRow[];
  if (due.length === 0) return [];
  const unpin = db.prepare('UPDATE backups SET pinned = 0 WHERE id = ? AND pinned = 1');
  const done = db.prepare('UPDATE restores SET released_at = ? WHERE id = ?');
  const released: string[] = [];
  db.transaction(() => {
    for (const r of due) {
      if (r.safety_backup_id !== null && unpin.run(r.safety_backup_id).changes === 1)
        released.push(r.safety_stamp);
      done.run(now, r.id);
    }
  })();
  return released;
}
