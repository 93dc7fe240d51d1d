// What changed between two kept backups of a plan, from the catalog alone: added, changed and removed paths,
// their counts and bytes, and a folder-by-folder listing of them.
import { getBackupById, type BackupRecord } from './backups';
import type { Db } from './db';
import { dbText, fromDb } from './versions';

export type ChangeKind = 'added' | 'changed' | 'removed';
export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'changed', 'removed'];

/** One side of a change: the kind and size of the version a backup holds at that path. */
export interface ChangeSide {
  kind: 'f' | 'd' | 'l';
  size: number;
}

/** One path that differs between the two backups; `key` is its path in the catalog's escaped form. */
export interface Change {
  key: string;
  change: ChangeKind;
  before: ChangeSide | null;
  after: ChangeSide | null;
}

export interface Tally {
  count: number;
  bytes: number;
}
export type Tallies = Record<ChangeKind, Tally>;

/**
 * The versions that differ between the two backups, side 0 held by the older only (ended before the newer),
 * side 1 by the newer only (started after the older). The newer's come through the index on first_backup,
 * in about the order they were written; the older's through the one on last_backup when few versions end
 * between the two (a near backup), else through first_backup too: a long span ends most versions of the
 * catalog, and reading them in last_backup order jumps all over the file.
 */
const sides = (older: 'file_versions_open' | 'file_versions_first') => `
  SELECT 1 AS side, rowid AS r, parent, name, kind, size FROM file_versions INDEXED BY file_versions_first
    WHERE plan_id = @p AND first_backup > @o AND first_backup <= @n AND (last_backup IS NULL OR last_backup >= @n)
  UNION ALL
  SELECT 0, rowid, parent, name, kind, size FROM file_versions INDEXED BY ${older}
    WHERE plan_id = @p AND last_backup >= @o AND last_backup < @n AND first_backup <= @o`;

/**
 * Each path with a version on either side, paired in SQL (one version a side at most: a backup holds one
 * version of a path), kept when only one side has it or the two differ in what they hold: kind, size,
 * SHA-256 or link target (looked up only for two versions of one kind and size). A new mtime or mode alone
 * (a file touched, a folder whose content changed) is not a change. One string a change: turning a row into
 * an array costs more than the rest of the comparison, a single value a row much less.
 * Format: sides (1 older only, 2 newer only, 3 both), kind before and after ('-': none), then
 * "SIZE_BEFORE:SIZE_AFTER:KEY".
 */
const pairs = (older: Parameters<typeof sides>[0]) => `
  WITH v AS (${sides(older)}), g AS (
    SELECT parent, name, sum(side + 1) AS sides, min(r) AS r0, max(r) AS r1,
      max(CASE side WHEN 0 THEN kind END) AS bk, max(CASE side WHEN 0 THEN size END) AS bs,
      max(CASE side WHEN 1 THEN kind END) AS ak, max(CASE side WHEN 1 THEN size END) AS az
    FROM v GROUP BY parent, name)
  SELECT sides || ifnull(bk, '-') || ifnull(ak, '-') || ifnull(bs, '') || ':' || ifnull(az, '') || ':' ||
    iif(parent = '', name, parent || '/' || name) FROM g
  WHERE sides < 3 OR bk <> ak OR (bk <> 'd' AND (bs <> az OR (
    SELECT a.sha256 IS NOT b.sha256 OR a.target IS NOT b.target FROM file_versions a, file_versions b
    WHERE a.rowid = g.r0 AND b.rowid = g.r1)))`;

/** Below this many versions ending between the two backups, the older's side is read by last_backup. */
const NEAR = 20_000;

/** Which index reads the older backup's side (see `sides`). */
function olderIndex(
  db: Db,
  args: { p: number; n: number; o: number },
  near: number,
): Parameters<typeof sides>[0] {
  const ending = db
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM file_versions INDEXED BY file_versions_open
        WHERE plan_id = @p AND last_backup >= @o AND last_backup < @n LIMIT ${near})`,
    )
    .pluck()
    .get(args) as number;
  return ending < near ? 'file_versions_open' : 'file_versions_first';
}

const CHANGE: Record<string, ChangeKind> = { '1': 'removed', '2': 'added', '3': 'changed' };
const sideOf = (kind: string, size: string): ChangeSide | null =>
  kind === '-' ? null : { kind: kind as ChangeSide['kind'], size: Number(size) };

function parse(s: string): Change {
  const a = s.indexOf(':', 3);
  const b = s.indexOf(':', a + 1);
  return {
    key: s.slice(b + 1),
    change: CHANGE[s[0]!]!,
    before: sideOf(s[1]!, s.slice(3, a)),
    after: sideOf(s[2]!, s.slice(a + 1, b)),
  };
}

/** The kept backup just before a backup of a plan (ids grow with time), or undefined for the first. */
export function previousBackup(db: Db, planId: number, backupId: number): BackupRecord | undefined {
  const id = db
    .prepare(
      `SELECT id FROM backups WHERE plan_id = ? AND status <> 'failed' AND id < ? ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(planId, backupId) as number | undefined;
  return id === undefined ? undefined : getBackupById(db, id);
}

/**
 * Every path that differs from backup `olderId` (null: nothing, as before a first backup) to backup
 * `newerId` of a plan. Versions are interval-encoded (first_backup..last_backup, with gaps where backups were
 * pruned), so only the versions that start or end between the two are read, not the two whole backups.
 * `near`: see NEAR (a test reads both ways on a small catalog).
 */
export function diffBackups(
  db: Db,
  planId: number,
  newerId: number,
  olderId: number | null,
  near = NEAR,
): Change[] {
  const args = { p: planId, n: newerId, o: olderId ?? 0 };
  const rows = db
    .prepare(pairs(olderIndex(db, args, near)))
    .pluck()
    .all(args) as string[];
  return rows.map(parse);
}

const isFolder = (s: ChangeSide | null) => s === null || s.kind === 'd';
const bytesOf = (s: ChangeSide | null) => (isFolder(s) ? 0 : s!.size);

/** Zero of everything. */
export function emptyTallies(): Tallies {
  return { added: { count: 0, bytes: 0 }, changed: { count: 0, bytes: 0 }, removed: { count: 0, bytes: 0 } };
}

/**
 * Counts a change: files and links are counted (a folder that appears or goes is told by what it holds),
 * and so is a path that turned from a file into a folder or back. Bytes are the size now (added, changed)
 * or the size before (removed).
 */
export function tally(t: Tallies, c: Change): void {
  if (isFolder(c.before) && isFolder(c.after)) return;
  t[c.change].count++;
  t[c.change].bytes += c.change === 'removed' ? bytesOf(c.before) : bytesOf(c.after);
}

/** The counts and bytes of a list of changes. */
export function summarise(changes: readonly Change[]): Tallies {
  const t = emptyTallies();
  for (const c of changes) tally(t, c);
  return t;
}

export interface ChangeFilter {
  change?: ChangeKind;
  /** A part of the name, any case. */
  query?: string;
}

/** One child of a folder in the listing of changes: a change itself, or a folder with changes below. */
export interface ChangeRow {
  name: string;
  path: string;
  kind: ChangeSide['kind'];
  /** Null for a folder in both backups that holds changes. */
  change: ChangeKind | null;
  before: ChangeSide | null;
  after: ChangeSide | null;
  /** Folders: the changes below it that pass the filter. */
  below: Tallies | null;
}

interface Acc {
  name: string;
  self: Change | null;
  shown: boolean;
  below: Tallies | null;
}

function matcher(f: ChangeFilter): (c: Change) => boolean {
  const q = f.query ? dbText(f.query).toLowerCase() : '';
  return (c) =>
    (!f.change || c.change === f.change) &&
    (!q ||
      c.key
        .slice(c.key.lastIndexOf('/') + 1)
        .toLowerCase()
        .includes(q));
}

/**
 * The direct children of `folder` ('' is the top: the source labels) that are changes or hold changes
 * below, after the filter, sorted by name; folders carry the counts of what changed below them.
 */
export function changesInFolder(
  changes: readonly Change[],
  folder: string,
  filter: ChangeFilter = {},
): ChangeRow[] {
  const prefix = folder ? `${dbText(folder)}/` : '';
  const matches = matcher(filter);
  const rows = new Map<string, Acc>();
  for (const c of changes) {
    if (!c.key.startsWith(prefix)) continue;
    const slash = c.key.indexOf('/', prefix.length);
    const name = slash < 0 ? c.key.slice(prefix.length) : c.key.slice(prefix.length, slash);
    let r = rows.get(name);
    if (!r) rows.set(name, (r = { name, self: null, shown: false, below: null }));
    const hit = matches(c);
    if (slash < 0) r.self = c;
    else if (hit) tally((r.below ??= emptyTallies()), c);
    r.shown ||= hit;
  }
  const out: ChangeRow[] = [];
  for (const r of rows.values()) {
    if (!r.shown) continue;
    const s = r.self;
    const kind = s ? (s.after ?? s.before)!.kind : 'd';
    out.push({
      name: fromDb(r.name),
      path: fromDb(prefix + r.name),
      kind,
      change: s?.change ?? null,
      before: s?.before ?? null,
      after: s?.after ?? null,
      below: kind === 'd' ? (r.below ?? emptyTallies()) : r.below,
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
