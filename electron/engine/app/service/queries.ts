import type { z } from 'zod';
import type {
  ActivityKind as ContractKind,
  ActivityLevel as ContractLevel,
} from '../../../../shared/contract';
import { activityDetails, type ActivityKind, type ActivityLevel } from '../../catalog/activity';
import { redact } from '../../secrets/redact';
import type { Db } from '../../catalog/db';
import { heldBy, keptBackups, type KeptBackup } from '../../catalog/timeline';
import { dbText, fromDb, IN_BACKUP } from '../../catalog/versions';
import { displayName, parseTyped } from '../../format/fsName';

/** How many entries one folder of a backup holds (for paging). */
export function countFolder(db: Db, planId: number, backupId: number, parent: string): number {
  const r = db
    .prepare(
      `SELECT COUNT(*) AS n FROM file_versions WHERE plan_id = @p AND parent = @parent AND ${IN_BACKUP}`,
    )
    .get({ p: planId, parent: dbText(parent), b: backupId }) as { n: number };
  return r.n;
}

interface HitRow {
  plan_id: number;
  plan_name: string;
  parent: string;
  name: string;
  kind: 'f' | 'd' | 'l';
  size: number;
  mtime_ms: number;
  sha256: string | null;
  first_backup: number;
  last_backup: number | null;
}

export interface SearchHit {
  planName: string;
  path: string;
  displayPath: string;
  versions: {
    kind: 'file' | 'dir' | 'symlink';
    size: number;
    mtimeMs: number;
    sha256: string | null;
    firstStamp: string;
    lastStamp: string;
    backups: number;
  }[];
}

const KIND = { f: 'file', d: 'dir', l: 'symlink' } as const;

/**
 * Finds files by name (or by path when the query holds "/"; \xff for a byte that is not UTF-8) in every backup, answered from the catalog,
 * with each version's first and last backup among those still kept.
 */
export function searchVersions(
  db: Db,
  query: string,
  opts: { planId?: number; limit: number },
): { hits: SearchHit[]; truncated: boolean } {
  const like = '%' + dbText(parseTyped(query)).replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  const column = query.includes('/') ? `(fv.parent || '/' || fv.name)` : 'fv.name';
  const rows = db
    .prepare(
      `SELECT fv.plan_id, p.name AS plan_name, fv.parent, fv.name, fv.kind, fv.size, fv.mtime_ms, fv.sha256,
              fv.first_backup, fv.last_backup
       FROM file_versions fv JOIN plans p ON p.id = fv.plan_id
       WHERE ${column} LIKE @like ESCAPE '\\' ${opts.planId !== undefined ? 'AND fv.plan_id = @plan' : ''}
       ORDER BY p.name, fv.parent, fv.name, fv.first_backup LIMIT @cap`,
    )
    .all({ like, plan: opts.planId, cap: opts.limit * 50 + 1 }) as HitRow[];
  const kept = new Map<number, KeptBackup[]>();
  const hits: SearchHit[] = [];
  const byKey = new Map<string, SearchHit>();
  let truncated = rows.length > opts.limit * 50;
  for (const r of rows) {
    let list = kept.get(r.plan_id);
    if (!list) kept.set(r.plan_id, (list = keptBackups(db, r.plan_id)));
    const { from, to } = heldBy(list, r.first_backup, r.last_backup);
    if (to <= from) continue; // every backup holding this version was pruned
    const path = fromDb(r.parent ? `${r.parent}/${r.name}` : r.name);
    const key = `${r.plan_id}\0${path}`;
    let hit = byKey.get(key);
    if (!hit) {
      if (hits.length >= opts.limit) {
        truncated = true;
        break;
      }
      hit = { planName: r.plan_name, path, displayPath: displayName(path), versions: [] };
      byKey.set(key, hit);
      hits.push(hit);
    }
    hit.versions.push({
      kind: KIND[r.kind],
      size: r.size,
      mtimeMs: r.mtime_ms,
      sha256: r.sha256,
      firstStamp: list[from]!.stamp,
      lastStamp: list[to - 1]!.stamp,
      backups: to - from,
    });
  }
  return { hits, truncated };
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// The catalog's activity kinds and levels and the contract's must agree: a new one fails to compile here.
const _kindsAgree: Same<ActivityKind, z.output<typeof ContractKind>> = true;
const _levelsAgree: Same<ActivityLevel, z.output<typeof ContractLevel>> = true;

export interface ActivityFilter {
  planId?: number;
  kind?: string;
  level?: string;
  since?: number;
  beforeId?: number;
  backupId?: number;
  limit: number;
}

interface ActivityRow {
  id: number;
  at: number;
  plan_name: string | null;
  backup_id: number | null;
  kind: string;
  level: string;
  actor: string;
  message: string;
  details: string | null;
}

/** The activity log, newest first, filtered by plan, kind, level and time, paged by id. */
export function activityPage(db: Db, f: ActivityFilter) {
  const where: string[] = [];
  const args: Record<string, number | string> = { limit: f.limit };
  const add = (clause: string, key: string, v: number | string | undefined) => {
    if (v === undefined) return;
    where.push(clause);
    args[key] = v;
  };
  add('a.plan_id = @plan', 'plan', f.planId);
  add('a.kind = @kind', 'kind', f.kind);
  add('a.level = @level', 'level', f.level);
  add('a.at >= @since', 'since', f.since);
  add('a.id < @before', 'before', f.beforeId);
  add('a.backup_id = @backup', 'backup', f.backupId);
  const rows = db
    .prepare(
      `SELECT a.id, a.at, p.name AS plan_name, a.backup_id, a.kind, a.level, a.actor, a.message, a.details
       FROM activity a LEFT JOIN plans p ON p.id = a.plan_id
       ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY a.id DESC LIMIT @limit`,
    )
    .all(args) as ActivityRow[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    planName: r.plan_name,
    backupId: r.backup_id,
    kind: r.kind as ActivityKind,
    level: r.level as ActivityLevel,
    actor: r.actor,
    message: redact(r.message),
    details: activityDetails(r.details),
  }));
}
