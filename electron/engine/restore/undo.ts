// Undoes an in-place restore from what it recorded (record.ts): each path it changed goes back to what was
// there before, taken from its "before restore" backup, but only where the path still holds what the
// restore left. A path changed since is kept as it is and named: an undo never destroys later work. No new
// backup is made: what an undo replaces is, byte for byte, what the restored backup holds.
import fs from 'node:fs';
import { logActivity } from '../catalog/activity';
import { writeBackupIndex } from '../catalog/backupIndex';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import {
  findRestore,
  listChanges,
  markUndone,
  releaseSafetyPins,
  type PathState,
  type RestoreChange,
  type RestoreRecord,
} from '../catalog/restores';
import { CairnError, describeError, errnoCode } from '../errors';
import { fsPath, readLink } from '../format/fsName';
import { planLayout, syncFileSystem } from '../format/layout';
import { ManifestReader, type ManifestEntry } from '../format/manifest';
import { formatStamp } from '../format/stamp';
import type { Failure, Locate } from './apply';
import { localContent, type ContentSource } from './content';
import { inPlaceLocator, labelOf } from './inPlace';
import { placeFile, placeSymlink, sameContent } from './place';
import { parentOf, SafeTree, UnsafePath } from './safePath';

export interface UndoOptions {
  db: Db;
  plan: Plan;
  /** The "before restore" backup the restore made (its stamp names the restore). */
  safetyStamp: string;
  now: () => number;
  actor: string;
  signal?: AbortSignal;
}

/** A path the undo left as it is, and why. */
export interface KeptPath {
  path: string;
  reason: string;
}

export interface UndoSummary {
  /** The backup that was restored, "plan/stamp". */
  restored: string;
  /** The "before restore" backup the content came back from, "plan/stamp". */
  safetyBackup: string;
  /** Paths put back as they were before the restore (or removed, where the restore made them). */
  reverted: number;
  /** Paths already as they were before the restore (one it could not write, or one put back by hand). */
  alreadyBefore: number;
  /** Paths changed since the restore: kept as they are. */
  kept: KeptPath[];
  failures: Failure[];
  /** The safety backup's pin was handed back to retention. */
  released: boolean;
}

/** A full manifest entry for a recorded state, as placeFile and sameContent take it. */
function entryOf(path: string, s: NonNullable<PathState>): ManifestEntry {
  return { ...s, path, ino: null, ctimeMs: null, flags: '' };
}

/** True when what is at abs (st from lstat, null: nothing) is that state. */
function holds(abs: string, st: fs.Stats | null, s: PathState, path: string): boolean {
  if (!s || !st) return !s && !st;
  if (s.kind === 'd') return st.isDirectory();
  if (s.kind === 'l') return st.isSymbolicLink() && readLink(abs) === s.target;
  return st.isFile() && sameContent(abs, st, entryOf(path, s));
}

function lstatOrNull(abs: string): fs.Stats | null {
  try {
    return fs.lstatSync(fsPath(abs));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
}

/**
 * True when the folders above a path are there, real folders: otherwise nothing is at the path (a folder the
 * restore removed or replaced by a file is put back before its content, which putBack checks again).
 */
function parentsThere(loc: { tree: SafeTree; rel: string }): boolean {
  try {
    return loc.tree.checkParents(loc.rel);
  } catch (e) {
    if (e instanceof UnsafePath) return false;
    throw e;
  }
}

/** The restore that made this safety backup, refused when there is none or it was undone already. */
function undoable(db: Db, plan: Plan, safetyStamp: string): RestoreRecord {
  const ref = `${plan.name}/${safetyStamp}`;
  const r = findRestore(db, plan.id, safetyStamp);
  if (!r) {
    throw new CairnError(
      'not-found',
      `${ref} is not the "before restore" backup of an in-place restore Cairn recorded; nothing was changed (restore chosen files from it with --path instead).`,
    );
  }
  if (r.undoneAt !== null) {
    throw new CairnError(
      'conflict',
      `The restore of ${plan.name}/${r.stamp} (saved first in ${ref}) was already undone at ${formatStamp(r.undoneAt).replace(/_(\d\d)(\d\d)/, ' $1:$2:')}; nothing was changed.`,
    );
  }
  return r;
}

class Undoer {
  readonly kept: KeptPath[] = [];
  readonly failures: Failure[] = [];
  reverted = 0;
  alreadyBefore = 0;
  private readonly dirs: { abs: string; s: NonNullable<PathState> }[] = [];

  constructor(
    private readonly locate: Locate,
    private readonly source: ContentSource,
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Looks at a path: still as the restore left it, it is cleared for what was there before (true); as it
   * was before, or changed since (kept and named), it is left. Folders go deepest first, so a folder the
   * restore made is empty by its turn unless something was added since.
   */
  clear(c: RestoreChange): boolean {
    const loc = this.locate(c.path);
    if (!loc || loc.rel === '') return false;
    const abs = loc.tree.abs(loc.rel);
    const st = parentsThere(loc) ? lstatOrNull(abs) : null;
    if (!holds(abs, st, c.after, c.path)) {
      if (holds(abs, st, c.before, c.path)) this.alreadyBefore++;
      else this.keep(c.path, st ? 'changed since the restore' : 'removed since the restore');
      return false;
    }
    // A file goes back by a rename over the restored one; a folder, or a path that held nothing, is cleared.
    const renameOver = c.after?.kind !== 'd' && c.before !== null && c.before.kind !== 'd';
    if (st && !renameOver) {
      try {
        if (st.isDirectory()) fs.rmdirSync(fsPath(abs));
        else fs.unlinkSync(fsPath(abs));
        loc.tree.forget(loc.rel);
      } catch (e) {
        if (errnoCode(e) === 'ENOTEMPTY' || errnoCode(e) === 'EEXIST')
          return this.keep(c.path, 'a folder that holds files added since the restore');
        throw e;
      }
    }
    if (c.before === null) this.reverted++;
    return c.before !== null;
  }

  private keep(path: string, reason: string): false {
    this.kept.push({ path, reason });
    return false;
  }

  /** Puts back what was at a cleared path before the restore (in manifest order: folders first). */
  async putBack(c: RestoreChange): Promise<void> {
    const s = c.before!;
    const loc = this.locate(c.path)!;
    if (!loc.tree.checkParents(loc.rel)) throw new Error('its folder is no longer there');
    const abs = loc.tree.abs(loc.rel);
    const dir = loc.tree.abs(parentOf(loc.rel));
    if (s.kind === 'd') {
      fs.mkdirSync(fsPath(abs), { mode: 0o700 });
      loc.tree.trust(loc.rel);
      this.dirs.push({ abs, s });
    } else if (s.kind === 'l') placeSymlink(dir, abs, entryOf(c.path, s));
    else await placeFile(dir, abs, entryOf(c.path, s), this.source, this.signal);
    this.reverted++;
  }

  /** Gives folders put back their mode and time, deepest first. */
  finishDirs(): void {
    for (const { abs, s } of this.dirs.reverse()) {
      fs.chmodSync(fsPath(abs), s.mode & 0o7777);
      fs.utimesSync(fsPath(abs), s.mtimeMs / 1000, s.mtimeMs / 1000);
    }
  }

  fail(path: string, e: unknown): void {
    this.failures.push({ path, message: describeError(e) });
  }
}

/**
 * Undoes the in-place restore that made the "before restore" backup plan/safetyStamp. The caller runs it
 * as an "undo" job (app/ops/undo.ts), so two undos of one plan never run at once.
 */
export async function undoRestore(o: UndoOptions): Promise<UndoSummary> {
  const { db, plan, safetyStamp } = o;
  const r = undoable(db, plan, safetyStamp);
  const layout = planLayout(plan.dest, plan.name);
  const safetyRef = `${plan.name}/${safetyStamp}`;
  if (!fs.existsSync(layout.backupDir(safetyStamp))) {
    throw new CairnError(
      'dest-missing',
      `The backup ${safetyRef}, which holds what was there before the restore, is not there (${layout.backupDir(safetyStamp)}); is the backup disk plugged in? Nothing was changed.`,
    );
  }
  const header = await ManifestReader.open(layout.manifestFile(safetyStamp)).then((m) => {
    m.close();
    return m.header;
  });
  const changes = listChanges(db, r.id);
  const labels = new Set(changes.map((c) => labelOf(c.path)));
  const locate = inPlaceLocator(plan, header, labels);
  const u = new Undoer(locate, localContent(layout.backupDir(safetyStamp)), o.signal);
  const back: RestoreChange[] = [];
  for (let i = changes.length - 1; i >= 0; i--) {
    o.signal?.throwIfAborted();
    const c = changes[i]!;
    try {
      if (u.clear(c)) back.push(c);
    } catch (e) {
      u.fail(c.path, e);
    }
  }
  for (const c of back.reverse()) {
    o.signal?.throwIfAborted();
    await u.putBack(c).catch((e: unknown) => u.fail(c.path, e));
  }
  u.finishDirs();
  // As an in-place restore, the undo ends once what it put back is on disk.
  for (const s of plan.sources) if (labels.has(s.label)) syncFileSystem(s.path);
  markUndone(db, r.id, o.now());
  const released = releaseSafetyPins(db, plan.id, o.now()).includes(safetyStamp);
  if (released) writeBackupIndex(db, plan);
  const s: UndoSummary = {
    restored: `${plan.name}/${r.stamp}`,
    safetyBackup: safetyRef,
    reverted: u.reverted,
    alreadyBefore: u.alreadyBefore,
    kept: u.kept,
    failures: u.failures,
    released,
  };
  logUndo(o, r, s);
  return s;
}

function logUndo(o: UndoOptions, r: RestoreRecord, s: UndoSummary): void {
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    backupId: r.safetyBackupId,
    kind: 'restore',
    level: s.failures.length ? 'error' : s.kept.length ? 'warning' : 'info',
    actor: o.actor,
    message:
      `Undid the restore of ${s.restored}: ${s.reverted} path(s) put back as they were before it` +
      (s.kept.length
        ? `; kept ${s.kept.length} changed since: ${s.kept
            .slice(0, 5)
            .map((k) => k.path)
            .join(', ')}${s.kept.length > 5 ? ', ...' : ''}`
        : '') +
      (s.failures.length ? `; ${s.failures.length} could not be put back` : '') +
      (s.released ? `; ${s.safetyBackup} is no longer pinned` : ''),
    details: { kept: s.kept.slice(0, 100), failures: s.failures.slice(0, 20) },
  });
}
