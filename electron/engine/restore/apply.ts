import fs from 'node:fs';
import { parseEntry, type ManifestEntry, type ManifestReader } from '../format/manifest';
import { CairnError, describeError, errnoCode } from '../errors';
import { unreadable, type ContentSource } from './content';
import { fixMeta, keepBothName, placeFile, placeSymlink, removeStaleTemps, sameContent } from './place';
import { placePool, type PlaceFailure, type RestoreThreads } from './placePool';
import { FastFolders, linePath, type FastFolder } from './fastFolders';
import { Placer, type PlaceItem } from './placer';
import { nameOf, parentOf, SafeTree, UnsafePath } from './safePath';
import type { Selection } from './select';
import { fsPath, readLink } from '../format/fsName';

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
  /** Called when an entry is written beside something in its way, with the path (in the backup's terms) it gets. */
  onBeside?: (e: ManifestEntry, path: string) => void;
  /** Called as file content is handed over to be written, with the root of the tree it goes to. */
  onWrite?: (root: string, bytes: number) => void;
  /** Threads restoring files from a local backup folder, started by the caller (default: two to four, started here). */
  threads?: RestoreThreads;
}

const MAX_FAILURES = 1000;
/** Files handed to the restore threads and not yet answered, at most. */
const MAX_IN_FLIGHT = 1024;

type Landed = 'written' | 'overwritten' | 'keptBoth';

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
  /** The restore threads, for a local backup folder (started now, while the manifest is opened). */
  private readonly placer: Placer<Landed, FastFolder> | null;
  /** Folders this restore made, whose files go to the threads as manifest lines (see FastFolders). */
  private readonly fast = new FastFolders();
  /** A failure that ends the restore (a full disk), seen on a restore thread. */
  private fatal: unknown = null;

  constructor(private readonly o: ApplyOptions) {
    this.placer =
      !o.dryRun && o.source.localPath
        ? new Placer<Landed, FastFolder>(
            {
              item: (i, f) => this.landed(i, f),
              lines: (folder, lines, bytes, failures) => this.landedLines(folder, lines, bytes, failures),
            },
            o.threads ?? placePool(),
          )
        : null;
  }

  fail(path: string, message: string): void {
    this.counts.failed++;
    if (this.failures.length < MAX_FAILURES) this.failures.push({ path, message });
  }

  /** Streams the manifest and restores every chosen entry; failures are recorded per path. */
  async run(): Promise<void> {
    try {
      await this.walk();
      await this.placer?.drain(0);
      if (this.fatal) throw this.fatal;
    } finally {
      await this.close();
    }
  }

  private async walk(): Promise<void> {
    const { manifest, selection } = this.o;
    let n = 0;
    for (;;) {
      const line = manifest.nextLineSync() ?? (await manifest.nextLine());
      if (line === null) break;
      if (this.fatal) throw this.fatal;
      if ((++n & 255) === 0) {
        this.o.signal?.throwIfAborted();
        await new Promise((r) => setImmediate(r));
      }
      const folder = this.fast.empty ? null : this.fast.folderOf(line);
      if (folder) {
        this.placer!.addLine(folder, line);
        this.o.onEntry?.(this.counts, folder.path);
        await this.inFlightBound();
        continue;
      }
      const e = parseEntry(line);
      const chosen = selection.includes(e.path);
      if (!chosen && !(e.kind === 'd' && selection.isAncestor(e.path))) continue;
      if (e.kind === 'f' && this.o.keepFile && !this.o.keepFile(e)) continue;
      const loc = this.o.locate(e.path);
      if (!loc) {
        this.fail(e.path, 'its source is not part of this restore');
        continue;
      }
      try {
        if (e.kind === 'd') await this.dir(loc.tree, loc.rel, e, chosen);
        else if (e.kind === 'f') {
          if (!this.fresh(loc.tree, loc.rel, e)) await this.file(loc.tree, loc.rel, e);
          await this.inFlightBound();
        } else await this.symlink(loc.tree, loc.rel, e);
      } catch (err) {
        if (this.o.signal?.aborted) throw err;
        this.failed(e.path, err);
        if (this.fatal) throw this.fatal;
      }
      this.o.onEntry?.(this.counts, e.path);
    }
  }

  /** Waits while too many files are with the restore threads. */
  private async inFlightBound(): Promise<void> {
    if (this.placer && this.placer.pending >= MAX_IN_FLIGHT) await this.placer.drain(MAX_IN_FLIGHT / 2);
  }

  /** Makes a folder this restore made, and chose whole, a fast one (see FastFolders). */
  private enterFast(tree: SafeTree, rel: string, e: ManifestEntry): void {
    if (!this.placer || this.o.keepFile || !this.o.source.localFolder || !FastFolders.takes(e.path)) return;
    let srcDir: string | null;
    try {
      srcDir = this.o.source.localFolder(e.path);
    } catch {
      srcDir = null; // a symlink in the backup folder: its files take the general path, and fail there
    }
    if (srcDir !== null) this.fast.enter({ path: e.path, srcDir, dstDir: tree.abs(rel), root: tree.root });
  }

  /** Records a file that did not land; a full disk ends the restore. */
  private failed(path: string, err: unknown): void {
    const code = errnoCode(err);
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      this.fatal ??= new CairnError(
        'disk-full',
        `The disk being restored to is full (at ${path}); free some space and restore again. What was restored so far is complete and checked.`,
      );
      return;
    }
    this.fail(path, err instanceof UnsafePath ? `not restored: ${err.message}` : describeError(err));
  }

  /**
   * Waits for a file being written at abs (a kept-both name can be the name of a later entry: "a" is
   * kept beside as "a (restored …)", which the backup may hold too), so what is there is seen as it is.
   */
  private async settled(abs: string): Promise<void> {
    if (this.placer?.writing(abs)) await this.placer.drain(0);
  }

  /** Stops the restore threads (run() does, when it ends); temporary files of restores cut short are removed. */
  async close(): Promise<void> {
    await this.placer?.close();
  }

  /** A file's answer from the restore threads. */
  private landed(item: PlaceItem<Landed>, f: PlaceFailure | Error | null): void {
    if (f === null) this.count(item.kind, item.entry.size);
    else this.notPlaced(item.entry.path, f);
  }

  /** The answer for a chunk of a fast folder's files. */
  private landedLines(
    folder: FastFolder,
    lines: string[],
    bytes: number,
    failures: [number, PlaceFailure | Error][],
  ): void {
    const c = this.counts;
    const landed = lines.length - failures.length;
    c.written += landed;
    c.writtenBytes += bytes;
    c.verified += landed;
    this.o.onWrite?.(folder.root, bytes);
    for (const [i, f] of failures) this.notPlaced(linePath(lines[i]!), f);
  }

  private notPlaced(path: string, f: PlaceFailure | Error): void {
    if (f instanceof Error) this.failed(path, f);
    else if (f.kind === 'mismatch') this.fail(path, f.message);
    else if (f.kind === 'source' && f.reason !== 'other')
      this.failed(path, unreadable(path, f.reason === 'missing' ? 'ENOENT' : 'ELOOP'));
    else this.failed(path, Object.assign(new Error(f.message), { code: 'code' in f ? f.code : null }));
  }

  private count(kind: Landed, size: number): void {
    const c = this.counts;
    c[kind]++;
    c[`${kind}Bytes`] += size;
    if (!this.o.dryRun) c.verified++;
  }

  /**
   * Writes a version to rel (through a temporary name, checked against the manifest) and counts it. Files
   * of a local backup folder go to the restore threads; the walk goes on while they are written.
   */
  private async put(tree: SafeTree, rel: string, e: ManifestEntry, kind: Landed): Promise<void> {
    if (this.o.dryRun) return this.count(kind, e.size);
    this.o.onWrite?.(tree.root, e.size);
    if (!this.placer) {
      await placeFile(tree.abs(parentOf(rel)), tree.abs(rel), e, this.o.source, this.o.signal);
      return this.count(kind, e.size);
    }
    const dstDir = tree.abs(parentOf(rel));
    this.placer.add(this.o.source.localPath!(e), dstDir, nameOf(rel), { entry: e, kind }, true);
  }

  /**
   * A file of a folder this restore made: nothing can be in its way, so it goes straight to the restore
   * threads, without a promise or a look at the disk. False when it needs the careful path (file()).
   */
  private fresh(tree: SafeTree, rel: string, e: ManifestEntry): boolean {
    if (!this.placer) return false;
    const slash = rel.lastIndexOf('/');
    if (slash < 0 || !tree.made(rel.slice(0, slash))) return false;
    const name = rel.slice(slash + 1);
    if (name === '' || name === '.' || name === '..' || name.includes('\0')) return false; // file() refuses it
    const src = this.o.source.localPath!(e);
    this.o.onWrite?.(tree.root, e.size);
    this.placer.add(src, tree.abs(rel.slice(0, slash)), name, { entry: e, kind: 'written' });
    return true;
  }

  /** Gives restored folders their mode and mtime, deepest first (writing inside a folder changes its mtime). */
  finishDirs(): void {
    for (let i = this.dirMeta.length - 1; i >= 0; i--) {
      const { abs, entry } = this.dirMeta[i]!;
      try {
        fs.chmodSync(fsPath(abs), entry.mode & 0o7777);
        fs.utimesSync(fsPath(abs), entry.mtimeMs / 1000, entry.mtimeMs / 1000);
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
    await this.settled(abs);
    const parentFresh = rel !== '' && tree.made(parentOf(rel));
    let st: fs.Stats | null = null;
    if (!parentFresh) {
      try {
        st = fs.lstatSync(fsPath(abs));
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
      if (!this.o.dryRun) fs.unlinkSync(fsPath(abs));
    }
    // Make the folder before trusting it: if something else is there, mkdir fails and nothing goes inside.
    if (!this.o.dryRun) {
      fs.mkdirSync(fsPath(abs), { mode: 0o700 });
      this.dirMeta.push({ abs, entry: e });
    }
    this.counts.dirs++;
    tree.trust(rel);
    tree.markMade(rel);
    if (chosen && !this.o.dryRun) this.enterFast(tree, rel, e);
  }

  /** The existing thing at rel (lstat), or null; nothing exists inside a folder made in this run. */
  private async existing(tree: SafeTree, rel: string): Promise<fs.Stats | null> {
    if (!tree.checkParents(rel)) throw new Error('its folder could not be restored');
    await this.settled(tree.abs(rel));
    if (tree.made(parentOf(rel))) return null;
    try {
      return fs.lstatSync(fsPath(tree.abs(rel)));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  private async file(tree: SafeTree, rel: string, e: ManifestEntry): Promise<void> {
    const c = this.counts;
    const st = await this.existing(tree, rel);
    if (!st) return this.put(tree, rel, e, 'written');
    if (st.isDirectory()) throw new Error('a folder with this name is in the way; nothing was replaced');
    if (sameContent(tree.abs(rel), st, e)) {
      if (!this.o.dryRun) fixMeta(tree.abs(rel), st, e);
      c.skipped++;
      c.skippedBytes += e.size;
      c.verified++;
      return;
    }
    if (await this.replaceable(e)) return this.put(tree, rel, e, 'overwritten');
    const name = nameOf(rel);
    for (let n = 1; ; n++) {
      const alt = `${parentOf(rel) ? parentOf(rel) + '/' : ''}${keepBothName(name, this.o.stamp, n)}`;
      const ast = await this.existing(tree, alt);
      if (ast && ast.isFile() && sameContent(tree.abs(alt), ast, e)) {
        c.skipped++;
        c.skippedBytes += e.size;
        c.verified++;
        return;
      }
      if (ast) continue;
      this.o.onBeside?.(e, `${parentOf(e.path)}/${nameOf(alt)}`);
      return this.put(tree, alt, e, 'keptBoth');
    }
  }

  private async symlink(tree: SafeTree, rel: string, e: ManifestEntry): Promise<void> {
    const st = await this.existing(tree, rel);
    const dirAbs = tree.abs(parentOf(rel));
    let final = tree.abs(rel);
    if (st?.isSymbolicLink() && readLink(final) === e.target) return; // already there
    if (st?.isDirectory()) throw new Error('a folder with this name is in the way; nothing was replaced');
    if (st && !(await this.replaceable(e))) {
      const name = nameOf(rel);
      for (let n = 1; ; n++) {
        const alt = `${parentOf(rel) ? parentOf(rel) + '/' : ''}${keepBothName(name, this.o.stamp, n)}`;
        const ast = await this.existing(tree, alt);
        if (ast?.isSymbolicLink() && readLink(tree.abs(alt)) === e.target) return;
        if (ast) continue;
        this.o.onBeside?.(e, `${parentOf(e.path)}/${nameOf(alt)}`);
        final = tree.abs(alt);
        break;
      }
    }
    if (!this.o.dryRun) placeSymlink(dirAbs, final, e);
    this.counts.symlinks++;
  }
}
