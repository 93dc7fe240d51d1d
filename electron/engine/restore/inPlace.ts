import fs from 'node:fs';
import { comparePaths, ManifestReader, type ManifestEntry, type ManifestHeader } from '../format/manifest';
import { excludeMatcher } from '../format/excludes';
import type { BackupRunOptions } from '../backup/run';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { CairnError, describeError, errnoCode } from '../errors';
import type { Applier, Locate } from './apply';
import { walkSorted } from '../format/diskWalk';
import { formatStamp } from '../format/stamp';
import { SafeTree } from './safePath';
import type { Selection } from './select';
import { fsPath } from '../format/fsName';

/** The label of a manifest path (its first component). */
export function labelOf(p: string): string {
  const i = p.indexOf('/');
  return i < 0 ? p : p.slice(0, i);
}

/**
 * Maps a backup's entries back to the plan's source folders. Refuses when a source of the backup is no
 * longer in the plan at the same path: the "before restore" backup could not have saved what is there.
 */
export function inPlaceLocator(
  plan: Plan,
  header: ManifestHeader,
  labels: Set<string>,
  dryRun = false,
): Locate {
  const trees = new Map<string, SafeTree>();
  for (const label of labels) {
    const was = header.sources.find((s) => s.label === label);
    const now = plan.sources.find((s) => s.label === label);
    if (!now || (was && was.path !== now.path)) {
      throw new CairnError(
        'conflict',
        `The source "${label}" of this backup ${was ? `(${was.path}) ` : ''}is no longer in plan ${plan.name} at the same place; restore it with --to DIR instead.`,
      );
    }
    if (!dryRun) fs.mkdirSync(fsPath(now.path), { recursive: true });
    // The source folder is the user's choice even when reached through a symlink (backups follow it too).
    trees.set(
      label,
      new SafeTree(fs.existsSync(fsPath(now.path)) ? fs.realpathSync(fsPath(now.path)) : now.path),
    );
  }
  return (p) => {
    const tree = trees.get(labelOf(p));
    if (!tree) return null;
    const i = p.indexOf('/');
    return { tree, rel: i < 0 ? '' : p.slice(i + 1) };
  };
}

/** Backs up the plan now, pinned, so that everything an in-place restore replaces or deletes can be got back. */
export async function saveBeforeRestore(
  db: Db,
  plan: Plan,
  backup: Pick<BackupRecord, 'stamp'>,
  now: () => number,
  actor: string,
  signal?: AbortSignal,
): Promise<BackupRecord> {
  // skipPrune: retention must not remove the backup being restored because one more backup now exists.
  const opts: BackupRunOptions & { skipPrune: boolean } = {
    db,
    plan,
    now,
    actor,
    // What it is for, so that it is recognised in every list of backups.
    note: `before restore of ${plan.name}/${backup.stamp} on ${formatStamp(now()).slice(0, 10)}`,
    pin: true,
    signal,
    skipPrune: true,
    // Only files are put back in place: the plan's databases need no saving here.
    secrets: null,
  };
  try {
    // Loaded here: a restore --to does not need the backup engine (and its schemas), which cost its start.
    const [{ runBackup }, { writeBackupIndex }] = await Promise.all([
      import('../backup/run'),
      import('../catalog/backupIndex'),
    ]);
    const saved = (await runBackup(opts)).backup;
    writeBackupIndex(db, plan);
    return saved;
  } catch (e) {
    throw new CairnError(
      'io',
      `Nothing was restored: the backup that saves the current files first failed (${describeError(e)}).`,
    );
  }
}

/** A cursor over the "before restore" manifest answering, in path order, whether a path was saved. */
export async function savedCursor(
  file: string,
): Promise<{ saved: (p: string) => Promise<boolean>; close(): void }> {
  const r = await ManifestReader.open(file);
  return {
    async saved(p) {
      for (let e = await r.peek(); e; e = await r.peek()) {
        const c = comparePaths(e.path, p);
        if (c > 0) return false;
        r.advance();
        if (c === 0) return true;
      }
      return false;
    },
    close: () => r.close(),
  };
}

/** Paths in manifest order, read one ahead: a manifest, or a source folder as a backup would see it. */
export interface PathStream {
  peek(): Promise<Pick<ManifestEntry, 'path' | 'kind'> | null>;
  advance(): void;
  close(): void;
}

/**
 * What an in-place restore removes: what the "before restore" backup saved under the chosen paths that the
 * restored backup does not have (or has as another kind). Merge-joins the two while streaming.
 */
export async function deletionsFor(
  saved: PathStream,
  restoredFile: string,
  include: (p: string) => boolean,
): Promise<Pick<ManifestEntry, 'path' | 'kind'>[]> {
  const b = await ManifestReader.open(restoredFile);
  const out: Pick<ManifestEntry, 'path' | 'kind'>[] = [];
  try {
    for (let e = await saved.peek(); e; e = await saved.peek()) {
      saved.advance();
      if (!include(e.path)) continue;
      let match: ManifestEntry | null = null;
      for (let x = await b.peek(); x; x = await b.peek()) {
        const c = comparePaths(x.path, e.path);
        if (c > 0) break;
        b.advance();
        if (c === 0) {
          match = x;
          break;
        }
      }
      if (!match || match.kind !== e.kind) out.push(e);
    }
  } finally {
    saved.close();
    b.close();
  }
  return out;
}

/**
 * The plan's source folders as the next backup would record them (excluded paths left out), in manifest
 * order: what a dry run of an in-place restore compares with, as no "before restore" backup is made.
 */
export function currentSources(plan: Plan, labels: Set<string>): PathStream {
  const matcher = excludeMatcher(plan.excludes);
  const srcs = plan.sources.filter((s) => labels.has(s.label)).sort((a, b) => comparePaths(a.label, b.label));
  function* all(): Generator<Pick<ManifestEntry, 'path' | 'kind'>> {
    for (const s of srcs) {
      if (!fs.existsSync(fsPath(s.path))) continue;
      yield { path: s.label, kind: 'd' };
      const skip = (rel: string, st: fs.Stats) =>
        matcher.excluded(rel, st.isDirectory()) || !(st.isDirectory() || st.isFile() || st.isSymbolicLink());
      for (const item of walkSorted(s.path, () => undefined, skip)) {
        const kind = item.st.isDirectory() ? 'd' : item.st.isSymbolicLink() ? 'l' : 'f';
        yield { path: `${s.label}/${item.rel}`, kind };
      }
    }
  }
  const it = all();
  let cur = it.next();
  return {
    peek: async () => (cur.done ? null : cur.value),
    advance: () => void (cur = it.next()),
    close: () => void it.return(undefined),
  };
}

/** Removes what deletionsFor listed, deepest first; a folder still holding unsaved (excluded) files stays. */
export function applyDeletions(
  list: Pick<ManifestEntry, 'path' | 'kind'>[],
  locate: Locate,
  applier: Applier,
): string[] {
  const kept: string[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    const loc = locate(e.path);
    if (!loc || loc.rel === '') continue;
    try {
      if (!loc.tree.checkParents(loc.rel)) continue;
      const abs = loc.tree.abs(loc.rel);
      const st = fs.lstatSync(fsPath(abs));
      if (st.isDirectory()) {
        fs.rmdirSync(fsPath(abs));
        loc.tree.forget(loc.rel);
      } else fs.unlinkSync(fsPath(abs));
      applier.counts.deleted++;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') continue;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') kept.push(e.path);
      else applier.fail(e.path, `could not be removed (${code ?? describeError(err)})`);
    }
  }
  return kept;
}

/** True when an in-place restore's selection covers this saved path (and its source is in the backup). */
export function deletionScope(selection: Selection, labels: Set<string>): (p: string) => boolean {
  return (p) => labels.has(labelOf(p)) && selection.includes(p);
}
