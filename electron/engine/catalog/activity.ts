import { redact, redactDeep } from '../secrets/redact';
import type { Db } from './db';

export type ActivityLevel = 'info' | 'warning' | 'error';
export type ActivityKind =
  'backup' | 'restore' | 'prune' | 'verify' | 'upload' | 'settings' | 'plan' | 'import';

export interface ActivityEntry {
  id: number;
  at: number;
  planId: number | null;
  planName: string | null;
  backupId: number | null;
  kind: ActivityKind;
  level: ActivityLevel;
  actor: string;
  message: string;
  details: unknown;
}

export interface NewActivity {
  at: number;
  planId?: number | null;
  backupId?: number | null;
  kind: ActivityKind;
  level?: ActivityLevel;
  actor: string;
  message: string;
  details?: unknown;
}

/** Appends one entry to the activity log, credentials in URLs redacted (they live in the secret store only). */
export function logActivity(db: Db, a: NewActivity): void {
  db.prepare(
    `INSERT INTO activity (at, plan_id, backup_id, kind, level, actor, message, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    a.at,
    a.planId ?? null,
    a.backupId ?? null,
    a.kind,
    a.level ?? 'info',
    a.actor,
    redact(a.message),
    a.details === undefined ? null : JSON.stringify(redactDeep(a.details)),
  );
}

interface ActivityRow {
  id: number;
  at: number;
  plan_id: number | null;
  plan_name: string | null;
  backup_id: number | null;
  kind: ActivityKind;
  level: ActivityLevel;
  actor: string;
  message: string;
  details: string | null;
}

/** The newest activity entries first, optionally for one plan or kind. */
export function listActivity(
  db: Db,
  opts: { planId?: number; kind?: ActivityKind; limit?: number; beforeId?: number } = {},
): ActivityEntry[] {
  const where: string[] = [];
  const args: (number | string)[] = [];
  const add = (clause: string, v: number | string) => {
    where.push(clause);
    args.push(v);
  };
  if (opts.planId !== undefined) add('a.plan_id = ?', opts.planId);
  if (opts.kind !== undefined) add('a.kind = ?', opts.kind);
  if (opts.beforeId !== undefined) add('a.id < ?', opts.beforeId);
  const rows = db
    .prepare(
      `SELECT a.*, p.name AS plan_name FROM activity a LEFT JOIN plans p ON p.id = a.plan_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY a.id DESC LIMIT ?`,
    )
    .all(...args, opts.limit ?? 200) as ActivityRow[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    planId: r.plan_id,
    planName: r.plan_name,
    backupId: r.backup_id,
    kind: r.kind,
    level: r.level,
    actor: r.actor,
    message: redact(r.message),
    details: activityDetails(r.details),
  }));
}

/** A stored entry's details, redacted again: entries written before redaction existed may hold credentials. */
export function activityDetails(stored: string | null): unknown {
  return stored === null ? null : redactDeep(JSON.parse(stored) as unknown);
}
