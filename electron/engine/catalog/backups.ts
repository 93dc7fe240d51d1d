import { CairnError } from '../errors';
import type { Db } from './db';
import { listPlans, type Plan } from './plans';

export type BackupStatus = 'complete' | 'warnings' | 'failed';

export interface BackupCounts {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  newFiles: number;
  newBytes: number;
  linkedFiles: number;
  skipped: number;
  warnings: number;
}

export interface BackupRecord extends BackupCounts {
  id: number;
  planId: number;
  planName: string;
  stamp: string;
  status: BackupStatus;
  startedAt: number;
  finishedAt: number;
  note: string | null;
  pinned: boolean;
  /** A person asked for it (cairn backup, "Back up now"), not the schedule, a restore or an import. */
  manual: boolean;
  /** The copy an in-place restore made of what it replaced ("before restore of …"), not a regular backup. */
  safety: boolean;
  error: string | null;
  verifiedAt: number | null;
  verifyResult: string | null;
}

export interface NewBackup extends BackupCounts {
  planId: number;
  stamp: string;
  status: BackupStatus;
  startedAt: number;
  finishedAt: number;
  note?: string | null;
  pinned?: boolean;
  manual?: boolean;
  error?: string | null;
}

interface BackupRow {
  id: number;
  plan_id: number;
  plan_name: string;
  stamp: string;
  status: BackupStatus;
  started_at: number;
  finished_at: number;
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  new_files: number;
  new_bytes: number;
  linked_files: number;
  skipped: number;
  warnings: number;
  note: string | null;
  pinned: number;
  manual: number;
  safety: number;
  error: string | null;
  verified_at: number | null;
  verify_result: string | null;
}

// A restore's safety copy is known by its restores row, or (after an import, which has none) by its note.
const SELECT = `SELECT b.*, p.name AS plan_name,
  (EXISTS (SELECT 1 FROM restores r WHERE r.safety_backup_id = b.id)
    OR (b.manual = 0 AND b.note LIKE 'before restore of %')) AS safety
  FROM backups b JOIN plans p ON p.id = b.plan_id`;

function toRecord(r: BackupRow): BackupRecord {
  return {
    id: r.id,
    planId: r.plan_id,
    planName: r.plan_name,
    stamp: r.stamp,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    files: r.files,
    dirs: r.dirs,
    symlinks: r.symlinks,
    bytes: r.bytes,
    newFiles: r.new_files,
    newBytes: r.new_bytes,
    linkedFiles: r.linked_files,
    skipped: r.skipped,
    warnings: r.warnings,
    note: r.note,
    pinned: r.pinned === 1,
    manual: r.manual === 1,
    safety: r.safety === 1,
    error: r.error,
    verifiedAt: r.verified_at,
    verifyResult: r.verify_result,
  };
}

/** Records a finished run (complete, with warnings, or failed) and returns it. */
export function insertBackup(db: Db, b: NewBackup): BackupRecord {
  const info = db
    .prepare(
      `INSERT INTO backups (plan_id, stamp, status, started_at, finished_at, files, dirs, symlinks, bytes,
         new_files, new_bytes, linked_files, skipped, warnings, note, pinned, manual, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      b.planId,
      b.stamp,
      b.status,
      b.startedAt,
      b.finishedAt,
      b.files,
      b.dirs,
      b.symlinks,
      b.bytes,
      b.newFiles,
      b.newBytes,
      b.linkedFiles,
      b.skipped,
      b.warnings,
      b.note ?? null,
      b.pinned ? 1 : 0,
      b.manual ? 1 : 0,
      b.error ?? null,
    );
  return getBackupById(db, Number(info.lastInsertRowid))!;
}

/** One backup by id. */
export function getBackupById(db: Db, id: number): BackupRecord | undefined {
  const r = db.prepare(`${SELECT} WHERE b.id = ?`).get(id) as BackupRow | undefined;
  return r && toRecord(r);
}

/** Backups newest first; failed runs only when asked. */
export function listBackups(
  db: Db,
  opts: { planId?: number; includeFailed?: boolean; limit?: number } = {},
): BackupRecord[] {
  const where: string[] = [];
  const args: number[] = [];
  if (opts.planId !== undefined) {
    where.push('b.plan_id = ?');
    args.push(opts.planId);
  }
  if (!opts.includeFailed) where.push(`b.status <> 'failed'`);
  const rows = db
    .prepare(
      `${SELECT} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY b.started_at DESC, b.id DESC LIMIT ?`,
    )
    .all(...args, opts.limit ?? -1) as BackupRow[];
  return rows.map(toRecord);
}

/** The newest backup that holds files (complete or with warnings). */
export function latestGoodBackup(db: Db, planId: number): BackupRecord | undefined {
  return listBackups(db, { planId, limit: 1 })[0];
}

/** The newest run of any status. */
export function latestRun(db: Db, planId: number): BackupRecord | undefined {
  return listBackups(db, { planId, includeFailed: true, limit: 1 })[0];
}

/** A kept backup of a plan by its stamp. */
export function findBackup(db: Db, planId: number, stamp: string): BackupRecord | undefined {
  const r = db
    .prepare(`${SELECT} WHERE b.plan_id = ? AND b.stamp = ? AND b.status <> 'failed'`)
    .get(planId, stamp) as BackupRow | undefined;
  return r && toRecord(r);
}

/**
 * Resolves the CLI's BACKUP argument: "PLAN/STAMP", "PLAN/latest", "latest" or a bare stamp (when there is
 * one plan), or a plan name alone meaning its latest backup.
 */
export function resolveBackup(db: Db, ref: string): { plan: Plan; backup: BackupRecord } {
  const plans = listPlans(db);
  const slash = ref.indexOf('/');
  let plan: Plan | undefined;
  let stamp: string;
  if (slash >= 0) {
    plan = plans.find((p) => p.name === ref.slice(0, slash));
    stamp = ref.slice(slash + 1);
    if (!plan) throw new CairnError('not-found', `There is no plan named "${ref.slice(0, slash)}".`);
  } else if (plans.some((p) => p.name === ref)) {
    plan = plans.find((p) => p.name === ref)!;
    stamp = 'latest';
  } else {
    if (plans.length !== 1) {
      throw new CairnError(
        'usage',
        plans.length === 0
          ? 'There are no plans yet; create one with: cairn plan add NAME --source DIR --dest DIR.'
          : `There are several plans; name the backup as PLAN/STAMP (plans: ${plans.map((p) => p.name).join(', ')}).`,
      );
    }
    plan = plans[0]!;
    stamp = ref;
  }
  const backup = stamp === 'latest' ? latestGoodBackup(db, plan.id) : findBackup(db, plan.id, stamp);
  if (!backup) {
    throw new CairnError(
      'not-found',
      stamp === 'latest'
        ? `Plan "${plan.name}" has no backups yet; run: cairn backup ${plan.name}.`
        : `Plan "${plan.name}" has no backup ${stamp}; see: cairn list ${plan.name}.`,
    );
  }
  return { plan, backup };
}

/** Pins or unpins a backup, with an optional note. */
export function setPinned(db: Db, id: number, pinned: boolean, note?: string | null): BackupRecord {
  if (note === undefined) db.prepare('UPDATE backups SET pinned = ? WHERE id = ?').run(pinned ? 1 : 0, id);
  else db.prepare('UPDATE backups SET pinned = ?, note = ? WHERE id = ?').run(pinned ? 1 : 0, note, id);
  return getBackupById(db, id)!;
}

/** Stores the warnings of a run (the first ones; the count is on the backup). */
export function insertWarnings(
  db: Db,
  backupId: number,
  warnings: { path: string; message: string }[],
): void {
  const ins = db.prepare('INSERT INTO backup_warnings (backup_id, path, message) VALUES (?, ?, ?)');
  for (const w of warnings) ins.run(backupId, w.path, w.message);
}

/** The stored warnings of a run. */
export function listWarnings(db: Db, backupId: number): { path: string; message: string }[] {
  return db
    .prepare('SELECT path, message FROM backup_warnings WHERE backup_id = ? ORDER BY rowid')
    .all(backupId) as {
    path: string;
    message: string;
  }[];
}

/** Records the outcome of a verify of a backup ("intact", "damaged: 2 changed"). */
export function recordVerify(db: Db, id: number, at: number, result: string): void {
  db.prepare('UPDATE backups SET verified_at = ?, verify_result = ? WHERE id = ?').run(at, result, id);
}

/** Puts back what a destination's backup index remembers about a backup (after `cairn import`). */
export function restoreBackupMeta(
  db: Db,
  id: number,
  m: {
    status: BackupStatus;
    pinned: boolean;
    note: string | null;
    manual?: boolean;
    warnings: number;
    skipped: number;
  },
): void {
  db.prepare(
    'UPDATE backups SET status = ?, pinned = ?, note = ?, manual = ?, warnings = ?, skipped = ? WHERE id = ?',
  ).run(
    m.status === 'failed' ? 'complete' : m.status,
    m.pinned ? 1 : 0,
    m.note,
    m.manual ? 1 : 0,
    m.warnings,
    m.skipped,
    id,
  );
}
