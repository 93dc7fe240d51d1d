// What an in-place restore changed, path by path, kept in the catalog so that an undo puts back exactly
// those paths (catalog/restores.ts). Found after the restore by merge-joining, in manifest order, the
// restored backup's manifest (what was written) with the "before restore" backup's (what was there).
import { comparePaths, ManifestReader, type ManifestEntry } from '../format/manifest';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import { insertRestore, writeChanges, type PathState, type RestoreChange } from '../catalog/restores';
import type { Selection } from './select';

export interface RecordOptions {
  db: Db;
  planId: number;
  /** The backup restored, and its manifest file. */
  stamp: string;
  restoredFile: string;
  /** The "before restore" backup, and its manifest file. */
  safety: Pick<BackupRecord, 'id' | 'stamp'>;
  savedFile: string;
  /** The entries the restore wrote (its selection; folders above chosen paths too). */
  chosen: Selection;
  /** The saved paths the restore removed when the backup does not have them. */
  removable: (p: string) => boolean;
  /** Paths that did not land, and folders kept for their unsaved content: the restore did not change them. */
  unchanged: Set<string>;
  /** Entries written beside an unsaved file in their way, by their own path: the change at the name written. */
  beside: Map<string, RestoreChange>;
  at: number;
  actor: string;
}

const BATCH = 1000;

/** A path's state as a manifest entry gives it. */
export function stateOf(e: ManifestEntry): PathState {
  return { kind: e.kind, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode, sha256: e.sha256, target: e.target };
}

/** True when two states hold the same thing (mode and time aside): a restore writing one over the other changed nothing. */
export function sameState(a: PathState, b: PathState): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'f') return a.size === b.size && a.sha256 === b.sha256;
  return a.kind === 'd' || a.target === b.target;
}

/** Records the restore and every path it changed; returns the restore's id. */
export async function recordInPlace(o: RecordOptions): Promise<number> {
  const id = insertRestore(o.db, {
    planId: o.planId,
    stamp: o.stamp,
    safetyBackupId: o.safety.id,
    safetyStamp: o.safety.stamp,
    at: o.at,
    actor: o.actor,
  });
  let seq = 0;
  let batch: RestoreChange[] = [];
  const flush = () => {
    writeChanges(o.db, id, seq, batch);
    seq += batch.length;
    batch = [];
  };
  const add = (c: RestoreChange) => {
    if (o.unchanged.has(c.path) || sameState(c.before, c.after)) return;
    batch.push(c);
    if (batch.length >= BATCH) flush();
  };
  const written = (e: ManifestEntry) =>
    (o.chosen.includes(e.path) || (e.kind === 'd' && o.chosen.isAncestor(e.path))) && !o.beside.has(e.path);
  const after = await ManifestReader.open(o.restoredFile);
  const before = await ManifestReader.open(o.savedFile);
  try {
    for (;;) {
      const a = await after.peek();
      const b = await before.peek();
      if (!a && !b) break;
      const c = !a ? 1 : !b ? -1 : comparePaths(a.path, b.path);
      if (c <= 0) after.advance();
      if (c >= 0) before.advance();
      if (c < 0 && written(a!)) add({ path: a!.path, before: null, after: stateOf(a!) });
      else if (c > 0 && o.removable(b!.path)) add({ path: b!.path, before: stateOf(b!), after: null });
      else if (c === 0 && written(a!)) add({ path: a!.path, before: stateOf(b!), after: stateOf(a!) });
    }
  } finally {
    after.close();
    before.close();
  }
  for (const [p, c] of o.beside) if (!o.unchanged.has(p)) add(c);
  flush();
  return id;
}
