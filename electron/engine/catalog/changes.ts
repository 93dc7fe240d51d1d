// What changed between two kept backups of a plan, from the catalog alone: added, changed and removed paths,
// their counts and bytes, and a folder-by-folder listing of them.
import { getBackupById, type BackupRecord } from './backups';
import type { Db } from './db';
import { dbText, fromDb } from './versions';

export type ChangeKind = 'added' | 'changed' | 'removed';
export const CHANGE_KINDS: readonly ChangeKind[] = ['added', 'changed', 'removed'];

/** One side of a change: the version a backup holds at that path (no mtime: see COLUMNS). */
export interface ChangeSide {
  kind: 'f' | 'd' | 'l';
  size: number;
  sha256: string | null;
  target: string | null;
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

type Row = [
  parent: string,
  name: string,
  kind: ChangeSide['kind'],
  size: number,
  sha: string | null,
  target: string | null,
];
// Turning rows into JS values is most of the time of a large comparison: only the columns it needs.
const COLUMNS = 'parent, name, kind, size, sha256, target';

/** Versions the newer backup holds that the older does not: started after the older, still held by the newer. */
const IN_NEWER_ONLY = `SELECT ${COLUMNS} FROM file_versions WHERE plan_id = @p AND first_backup > @o
  AND first_backup <= @n AND (last_backup IS NULL OR last_backup >= @n)`;
/** Versions the older backup holds that the newer does not: ended before the newer, held by the older. */
const IN_OLDER_ONLY = `SELECT ${COLUMNS} FROM file_versions WHERE plan_id = @p AND last_backup >= @o
  AND last_backup < @n AND first_backup <= @o`;

const keyOf = (r: Row) => (r[0] ? `${r[0]}/${r[1]}` : r[1]);
const sideOf = (r: Row): ChangeSide => ({
  kind: r[2],
  size: r[3],
  sha256: r[4],
  target: r[5],
});

/**
 * Whether two versions of one path differ in what they hold: kind, size, SHA-256 or link target. A new
 * mtime or mode alone (a file touched, a folder whose content changed) is not a change.
 */
export function differs(a: ChangeSide, b: ChangeSide): boolean {
  if (a.kind !== b.kind) return true;
  return a.kind !== 'd' && (a.size !== b.size || a.sha256 !== b.sha256 || a.target !== b.target);
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
 */
export function diffBackups(db: Db, planId: number, newerId: number, olderId: number | null): Change[] {
  const args = { p: planId, n: newerId, o: olderId ?? 0 };
  const before = new Map<string, ChangeSide>();
  if (olderId !== null)
    for (const r of db.prepare(IN_OLDER_ONLY).raw(true).iterate(args) as Iterable<Row>)
      before.set(keyOf(r), sideOf(r));
  const changes: Change[] = [];
  for (const r of db.prepare(IN_NEWER_ONLY).raw(true).iterate(args) as Iterable<Row>) {
    const key = keyOf(r);
    const after = sideOf(r);
    const old = before.get(key);
    if (old === undefined) changes.push({ key, change: 'added', before: null, after });
    else {
      before.delete(key);
      if (differs(after, old)) changes.push({ key, change: 'changed', before: old, after });
    }
  }
  for (const [key, old] of before) changes.push({ key, change: 'removed', before: old, after: null });
  return changes;
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
