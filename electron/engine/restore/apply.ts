import fs from 'node:fs';
import type { ManifestEntry, ManifestReader } from '../backup/manifest';
import { CairnError, describeError, errnoCode } from '../errors';
import type { ContentSource } from './content';
import { fixMeta, keepBothName, placeFile, placeSymlink, removeStaleTemps, sameContent } from './place';
import { parentOf, SafeTree, UnsafePath } from './safePath';
import type { Selection } from './select';

export interface RestoreCounts {
  /** Files written where nothing was. */
  written: number;
  writtenBytes: number;
  /** Files that replaced a different existing file (--overwrite, --in-place). */
  overwritten: number;
  overwrittenBytes: number;
  /** Files written beside a different existing file, under a name that says which backup they come from. */
  keptBoth: number;
  keptBothBytes: number;
  /** Files already there with the same content. */
  skipped: number;
  skippedBytes: number;
  /** Files whose content was checked against the manifest's SHA-256 (written or found identical). */
  verified: number;
  symlinks: number;
  /** Folders made (existing ones only get their mode and time back). */
  dirs: number;
  deleted: number;
  failed: number;
}

export interface Failure {
  path: string;
  message: string;
}

/** Where an entry goes: a guarded folder and the path inside it; null when it has no place (unknown source). */
export type Locate = (entryPath: string) => { tree: SafeTree; rel: string } | null;

export interface ApplyOptions {
  manifest: ManifestReader;
  selection: Selection;
  locate: Locate;
  source: ContentSource;
  stamp: string;
  overwrite: boolean;
  dryRun: boolean;
  /** In place: may this existing path be replaced? Only what the "before restore" backup saved may be. */
  saved?: (entryPath: string) => Promise<boolean>;
  /** Restores only the files this keeps (a sampled restore test). */
  keepFile?: (e: ManifestEntry) => boolean;
  signal?: AbortSignal;
  onEntry?: (counts: RestoreCounts, path: string) => void;
}

const MAX_FAILURES = 1000;

/** Writes a backup's entries (in manifest order: folders before what they hold) into their places. */
export class Applier {
  readonly counts: RestoreCounts = {
    written: 0,
    writtenBytes: 0,
    overwritten: 0,
    overwrittenBytes: 0,
    keptBoth: 0,
    keptBothBytes: 0,
    skipped: 0,
    skippedBytes: 0,
    verified: 0,
    symlinks: 0,
    dirs: 0,
    deleted: 0,
    failed: 0,
  };
  readonly failures: Failure[] = [];
  private readonly dirMeta: { abs: string; entry: ManifestEntry }[] = [];

  constructor(private readonly o: ApplyOptions) {}

  fail(path: string, message: string): void {
    this.counts.failed++;
    if (this.failures.length < MAX_FAILURES) this.failures.push({ path, message });
  }

  /** Streams the manifest and restores every chosen entry; failures are recorded per path. */
  async run(): Promise<void> {
    const { manifest, selection } = this.o;
    let n = 0;
    for (let e = await manifest.peek(); e; e = await manifest.peek()) {
      manifest.advance();
      const chosen = selection.includes(e.path);
      if (!chosen && !(e.kind === 'd' && selection.isAncestor(e.path))) continue;
      if (e.kind === 'f' && this.o.keepFile && !this.o.keepFile(e)) continue;
      if ((++n & 255) === 0) {
        this.o.signal?.throwIfAborted();
        await new Promise((r) => setImmediate(r));
      }
      const loc = this.o.locate(e.path);
      if (!loc) {
        this.fail(e.path, 'its source is not part of this restore');
        continue;
      }
      try {
        if (e.kind === 'd') await this.dir(loc.tree, loc.rel, e, chosen);
        else if (e.kind === 'f') await this.file(loc.tree, loc.rel, e);
        else await this.symlink(loc.tree, loc.rel, e);
      } catch (err) {
        if (this.o.signal?.aborted) throw err;
        if (errnoCode(err) === 'ENOSPC' || errnoCode(err) === 'EDQUOT') {
          throw new CairnError(
            'disk-full',
            `The disk being restored to is full (at ${e.path}); free some space and restore again. What was restored so far is complete and checked.`,
          );
        }
        this.fail(e.path, err instanceof UnsafePath ? `not restored: ${err.message}` : describeError(err));
      }
      this.o.onEntry?.(this.counts, e.path);
    }
  }

  /** Gives restored folders their mode and mtime, deepest first (writing inside a folder changes its mtime). */
  finishDirs(): void {
    for (let i = this.dirMeta.length - 1; i >= 0; i--) {
      const { abs, entry } = this.dirMeta[i]!;
      try {
        fs.chmodSync(abs, entry.mode & 0o7777);
        fs.utimesSync(abs, entry.mtimeMs / 1000, entry.mtimeMs / 1000);
      } catch (err) {
        this.fail(
          entry.path,
          `folder restored, but its mode or time could not be set (${describeError(err)})`,
        );
      }
    }
  }

  private async replaceable(e: ManifestEntry): Promise<boolean> {
    if (!this.o.overwrite) return false;
    return this.o.saved ? this.o.saved(e.path) : true;
  }

  private async dir(tree: SafeTree, rel: string, e: ManifestEntry, chosen: boolean): Promise<void> {
    if (rel !== '' && !tree.checkParents(rel)) throw new Error('its parent folder could not be restored');
    const abs = tree.abs(rel);
    const parentFresh = rel !== '' && tree.made(parentOf(rel));
    let st: fs.Stats | null = null;
    if (!parentFresh) {
      try {
        st = fs.lstatSync(abs);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
    if (st?.isDirectory()) {
      tree.trust(rel);
      if (!this.o.dryRun) removeStaleTemps(abs);
      if (chosen && !this.o.dryRun) this.dirMeta.push({ abs, entry: e }); // exists: only its mode and time
      return;
    }
    if (st) {
      if (!(await this.replaceable(e)))
        throw new Error(
          `a ${st.isSymbolicLink() ? 'symlink' : 'file'} with this name is in the way; restore with --overwrite or to an empty folder`,
        );
      if (!this.o.dryRun) fs.unlinkSync(abs);
    }
    // Make the folder before trusting it: if something else is there, mkdir fails and nothing goes inside.
    if (!this.o.dryRun) {
      fs.mkdirSync(abs, { mode: 0o700 });
      this.dirMeta.push({ abs, entry: e });
    }
    this.counts.dirs++;
    tree.trust(rel);
    tree.markMade(rel);
  }

  /** The existing thing at rel (lstat), or null; nothing exists inside a folder made in this run. */
  private existing(tree: SafeTree, rel: string): fs.Stats | null {
    if (!tree.checkParents(rel)) throw new Error('its folder could not be restored');
    if (tree.made(parentOf(rel))) return null;
    try {
      return fs.lstatSync(tree.abs(rel));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  private async file(tree: SafeTree, rel: string, e: ManifestEntry): Promise<void> {
    const c = this.counts;
    const st = this.existing(tree, rel);
    const dirAbs = tree.abs(parentOf(rel));
    if (!st) {
      if (!this.o.dryRun) await placeFile(dirAbs, tree.abs(rel), e, this.o.source, this.o.signal);
      c.written++;
      c.writtenBytes += e.size;
      if (!this.o.dryRun) c.verified++;
      return;
    }
    if (st.isDirectory()) throw new Error('a folder with this name is in the way; nothing was replaced');
    if (sameContent(tree.abs(rel), st, e)) {
      if (!this.o.dryRun) fixMeta(tree.abs(rel), st, e);
      c.skipped++;
      c.skippedBytes += e.size;
      c.verified++;
      return;
    }
    if (await this.replaceable(e)) {
      if (!this.o.dryRun) await placeFile(dirAbs, tree.abs(rel), e, this.o.source, this.o.signal);
      c.overwritten++;
      c.overwrittenBytes += e.size;
      if (!this.o.dryRun) c.verified++;
      return;
    }
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    for (let n = 1; ; n++) {
      const alt = `${parentOf(rel) ? parentOf(rel) + '/' : ''}${keepBothName(name, this.o.stamp, n)}`;
      const ast = this.existing(tree, alt);
      if (ast && ast.isFile() && sameContent(tree.abs(alt), ast, e)) {
        c.skipped++;
        c.skippedBytes += e.size;
        c.verified++;
        return;
      }
      if (ast) continue;
      if (!this.o.dryRun) await placeFile(dirAbs, tree.abs(alt), e, this.o.source, this.o.signal);
      c.keptBoth++;
      c.keptBothBytes += e.size;
      if (!this.o.dryRun) c.verified++;
      return;
    }
  }

  private async symlink(tree: SafeTree, rel: string, e: ManifestEntry): Promise<void> {
    const st = this.existing(tree, rel);
    const dirAbs = tree.abs(parentOf(rel));
    let final = tree.abs(rel);
    if (st?.isSymbolicLink() && fs.readlinkSync(final) === e.target) return; // already there
    if (st?.isDirectory()) throw new Error('a folder with this name is in the way; nothing was replaced');
    if (st && !(await this.replaceable(e))) {
      const name = rel.slice(rel.lastIndexOf('/') + 1);
      for (let n = 1; ; n++) {
        const alt = `${parentOf(rel) ? parentOf(rel) + '/' : ''}${keepBothName(name, this.o.stamp, n)}`;
        const ast = this.existing(tree, alt);
        if (ast?.isSymbolicLink() && fs.readlinkSync(tree.abs(alt)) === e.target) return;
        if (ast) continue;
        final = tree.abs(alt);
        break;
      }
    }
    if (!this.o.dryRun) placeSymlink(dirAbs, final, e);
    this.counts.symlinks++;
  }
}
