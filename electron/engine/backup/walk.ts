import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CairnError, describeError, errnoCode } from '../errors';
import type { ExcludeMatcher } from '../format/excludes';
import { EntryOutput, type PendingEntry } from '../format/entryOutput';
import { SourceCounter } from './count';
import { destError, DISK_FULL, FileCopier, statEntry, type Warning, type WalkStats } from './fileCopier';
import { displayName, encodeName, fsPath, readEntries, type NameEntry } from '../format/fsName';
import { CHANGED, LINK_FALLBACK, sameSource } from './linking';
import type { LineSink } from '../format/lineSink';
import {
  comparePaths,
  escapeField,
  type ManifestEntry,
  type ManifestReader,
  type ManifestWriter,
} from '../format/manifest';

export type { Warning, WalkStats } from './fileCopier';

export interface WalkSource {
  label: string;
  path: string;
  matcher: ExcludeMatcher;
}

export interface WalkOptions {
  /** The new backup's folder, under .cairn/partial while the run lasts. */
  outRoot: string;
  /** The previous backup's folder and manifest: unchanged files are hard-linked from there. */
  baseRoot: string | null;
  base: ManifestReader | null;
  manifest: ManifestWriter;
  /** "+<entry>" for each new file version, "-<path>" for each version that ends with this backup. */
  changes: LineSink;
  signal?: AbortSignal;
  onProgress?: (s: WalkStats) => void;
  /** Copy threads (default: 2 to 4, by processor count). */
  parallel?: number;
}

const MAX_WARNINGS_KEPT = 1000;
/** Copies waiting or running on the pool before the walk pauses. */
const MAX_COPIES = 256;
/** Unchanged files of one folder sent to the copy threads in one link job, at most. */
const LINK_BATCH = 256;

/** An unchanged file waiting for its link; copied instead when the link fails (the previous copy is gone). */
interface LinkSlot extends PendingEntry {
  abs: string;
}

/** The current folder's unchanged files not yet sent to the threads; their entries wait on `done`. */
interface LinkBatch {
  rel: string;
  /** The source folder. */
  src: string;
  dir: DirFinish;
  names: string[];
  slots: LinkSlot[];
  done: Promise<void>;
  settle: (task: Promise<void>) => void;
}

interface DirFinish {
  out: string;
  mode: number;
  atimeMs: number;
  mtimeMs: number;
  pending: number;
}

/** A backup's counts before anything is walked. */
export function noCounts(): Omit<WalkStats, 'currentPath'> {
  return {
    files: 0,
    dirs: 0,
    symlinks: 0,
    bytes: 0,
    newFiles: 0,
    newBytes: 0,
    linkedFiles: 0,
    skipped: 0,
    warnings: 0,
  };
}

/**
 * Walks the sources in sorted order and writes one complete backup folder: unchanged files are hard-linked
 * from the previous backup without being read, changed and new ones copied and hashed in one pass. The walk
 * merge-joins the previous manifest, so memory stays flat however many files there are.
 */
export class Walker {
  readonly stats: WalkStats = { ...noCounts(), currentPath: '' };
  readonly warnings: Warning[] = [];
  private readonly out: EntryOutput;
  private inFlight = new Set<Promise<void>>();
  private slotWaiters: (() => void)[] = [];
  /** The first copy that failed for good (disk full...): the walk stops at once. */
  private failure: unknown = undefined;
  private deferredDirs: DirFinish[] = [];
  private dirStack: DirFinish[] = [];
  /** Databases copied with the backup API: their -wal/-shm/-journal files are already inside the copy. */
  private readonly sqliteCopied = new Set<string>();
  /** Copies under way by path, so a database's -wal file can wait for the database's own copy. */
  private readonly copying = new Map<string, Promise<void>>();
  private readonly copier: FileCopier;
  private tick = 0;
  private lastProgress = 0;
  private linkedBytes = 0;
  private sources: WalkSource[] = [];
  /**
   * Counts the sources for the run's total once the walk has to wait for copies (count.ts), when someone
   * watches the progress.
   */
  private counter: SourceCounter | null = null;
  private walked = false;
  private links: LinkBatch | null = null;
  /** The last link job sent: settles once its failed links have become copies. */
  private lastLinks: Promise<void> = Promise.resolve();
  /** The previous manifest's line of the entry match() returned last. */
  private matchedLine = '';
  /** New files being copied that the walk did not stat, with their size once a total needed it (-1 before). */
  private readonly unstated = new Map<string, number>();

  constructor(private readonly o: WalkOptions) {
    this.out = new EntryOutput(o.manifest, o.changes);
    this.copier = new FileCopier({
      parallel: o.parallel,
      stats: this.stats,
      warn: (p, m) => this.warn(p, m),
    });
  }

  /** Walks every source (sorted by label) and waits for every copy; throws on a fatal error. */
  async run(sources: WalkSource[]): Promise<void> {
    const sorted = [...sources].sort((a, b) => comparePaths(a.label, b.label));
    this.sources = sorted;
    for (const s of sorted) {
      const st = fs.statSync(s.path);
      await this.enterDir(s.path, s.label, '', st, s.matcher);
    }
    await this.drainBase(null);
    this.sendLinks();
    this.walked = true;
    this.counter?.stop();
    await this.out.flush(true);
    await this.copier.close();
    for (const d of this.deferredDirs.reverse()) this.finishDir(d);
    this.emitProgress(true);
  }

  /** Waits for every copy still running (after a failure), so the caller can remove the partial folder. */
  async settle(): Promise<void> {
    this.counter?.stop();
    await this.copier.close();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Bytes copied so far (inside files still copying too). */
  get bytesCopied(): number {
    return this.copier.bytesCopied;
  }

  /** Bytes linked or copied so far (inside files still copying too). */
  get bytesDone(): number {
    return this.linkedBytes + this.copier.bytesCopied;
  }

  /**
   * What the run covers: exact once the walk is done or the count is; until then at least what was walked
   * or counted so far (`counted` false).
   */
  totals(): { files: number; bytes: number; counted: boolean } {
    const s = this.stats;
    const c = this.counter;
    const bytes = s.bytes + this.unstatedBytes();
    if (this.walked || !c) return { files: s.files, bytes, counted: this.walked };
    return { files: Math.max(s.files, c.files), bytes: Math.max(bytes, c.bytes), counted: c.done };
  }

  /** The size of the new files being copied that the walk did not stat (an lstat each, once: a few hundred). */
  private unstatedBytes(): number {
    let sum = 0;
    for (const [abs, size] of this.unstated) {
      if (size >= 0) {
        sum += size;
        continue;
      }
      let n = 0;
      try {
        n = fs.lstatSync(fsPath(abs)).size;
      } catch {
        // gone: the copy will say so
      }
      this.unstated.set(abs, n);
      sum += n;
    }
    return sum;
  }

  warn(path: string, message: string): void {
    this.stats.warnings++;
    if (this.warnings.length < MAX_WARNINGS_KEPT) this.warnings.push({ path: displayName(path), message });
  }

  private async enterDir(abs: string, rel: string, srcRel: string, st: fs.Stats, m: ExcludeMatcher) {
    this.sendLinks();
    const out = `${this.o.outRoot}/${rel}`;
    try {
      fs.mkdirSync(fsPath(out), { mode: 0o700 });
    } catch (e) {
      throw destError(e, rel);
    }
    const entry = statEntry('d', rel, st);
    this.stats.dirs++;
    await this.out.push(entry, await this.match(rel));
    const finish: DirFinish = { out, mode: entry.mode, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs, pending: 0 };
    this.dirStack.push(finish);
    let entries: NameEntry[];
    try {
      entries = readEntries(abs);
    } catch (e) {
      this.warn(rel, `folder could not be read (${errnoCode(e) ?? describeError(e)}); backed up empty`);
      entries = [];
    }
    for (const d of entries) {
      if ((++this.tick & 255) === 0) await this.breathe();
      const name = d.name;
      const childAbs = `${abs}/${name}`;
      const childRel = `${rel}/${name}`;
      const childSrcRel = srcRel ? `${srcRel}/${name}` : name;
      if (d.isFile()) {
        // A file, by its folder entry: the copy thread reads its figures (no lstat here). One the previous
        // backup holds goes to be linked, after the thread checks its figures; a new one to be copied.
        if (m.excluded(childSrcRel, false)) continue;
        this.stats.currentPath = childRel;
        await this.file(childAbs, childRel, null);
        continue;
      }
      let cst: fs.Stats;
      try {
        cst = fs.lstatSync(fsPath(childAbs));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') continue; // deleted since the listing
        this.warn(childRel, `could not be read (${errnoCode(e) ?? describeError(e)}); skipped`);
        this.stats.skipped++;
        continue;
      }
      const isDir = cst.isDirectory();
      if (m.excluded(childSrcRel, isDir)) continue;
      this.stats.currentPath = childRel;
      if (isDir) await this.enterDir(childAbs, childRel, childSrcRel, cst, m);
      else if (cst.isFile()) await this.file(childAbs, childRel, cst);
      else if (cst.isSymbolicLink()) await this.symlink(childAbs, childRel, cst);
      else {
        const what = cst.isFIFO() ? 'a named pipe' : cst.isSocket() ? 'a socket' : 'a device';
        this.warn(childRel, `is ${what}, not a file; skipped`);
        this.stats.skipped++;
      }
    }
    this.sendLinks();
    this.dirStack.pop();
    if (finish.pending > 0) this.deferredDirs.push(finish);
    else this.finishDir(finish);
  }

  private finishDir(d: DirFinish): void {
    try {
      const p = fsPath(d.out);
      fs.chmodSync(p, d.mode | 0o700);
      fs.utimesSync(p, d.atimeMs / 1000, d.mtimeMs / 1000);
    } catch (e) {
      throw destError(e, d.out);
    }
  }

  /** The previous backup's entry for this path, after passing (as removed) every entry sorted before it. */
  private async match(rel: string): Promise<ManifestEntry | null> {
    const base = this.o.base;
    if (!base) return null;
    await this.drainBase(rel);
    const e = base.peekSync() ?? (await base.peek());
    if (e && e.path === rel) {
      this.matchedLine = base.peekedLine;
      base.advance();
      return e;
    }
    return null;
  }

  private async drainBase(upTo: string | null): Promise<void> {
    const base = this.o.base;
    if (!base) return;
    for (;;) {
      const e = base.peekSync() ?? (await base.peek());
      if (!e || (upTo !== null && comparePaths(e.path, upTo) >= 0)) return;
      base.advance();
      await this.o.changes.add(`-${escapeField(e.path)}`);
    }
  }

  /** A file: linked when the previous backup's copy is the same, else copied; `st` null for a new file. */
  private async file(abs: string, rel: string, st: fs.Stats | null): Promise<void> {
    const sidecar = /-(wal|shm|journal)$/.exec(rel);
    if (sidecar) {
      const db = rel.slice(0, sidecar.index);
      // The database may be waiting on a link job that turns it into a copy: that copy is known after it.
      this.sendLinks();
      await this.lastLinks;
      await this.copying.get(db);
      if (this.sqliteCopied.has(db)) {
        // Copying it raw beside the consistent snapshot could make SQLite replay stale pages into it.
        await this.match(rel);
        return;
      }
    }
    const prev = await this.match(rel);
    this.stats.files++;
    const dir = this.dirStack.at(-1)!;
    if (
      this.o.baseRoot &&
      prev &&
      prev.kind === 'f' &&
      !prev.flags.includes('s') &&
      prev.ctimeMs !== null &&
      prev.ino !== null &&
      (st === null || sameSource(st, prev.size, prev.mtimeMs, prev.ctimeMs, prev.mode, prev.ino))
    ) {
      // Counted at the previous size: the link job checks it (a file found changed is counted again).
      this.stats.bytes += prev.size;
      this.linkLater(abs, rel, prev, dir);
      await this.out.bound();
      return;
    }
    this.stats.bytes += st?.size ?? 0;
    const slot: PendingEntry = { entry: null, prev };
    slot.wait = this.startCopy(abs, rel, st, slot, dir);
    this.out.queue(slot);
    // A counter and a queue of waiters, not Promise.race over the copies in flight: each race would add a
    // reaction to every pending copy, and a long copy would collect one per file walked meanwhile.
    while (this.inFlight.size >= MAX_COPIES) {
      if (this.failure) throw this.failure;
      // The total is for a progress display: a run nobody watches (a script, cron) skips the second walk.
      if (this.o.onProgress) this.counter ??= new SourceCounter(this.sources);
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /** Starts copying a new or changed file into its folder (`slot.entry` is set when it is done). */
  private startCopy(
    abs: string,
    rel: string,
    st: fs.Stats | null,
    slot: PendingEntry,
    dir: DirFinish,
  ): Promise<void> {
    dir.pending++;
    if (!st) this.unstated.set(abs, -1);
    const task = this.copier.copy(abs, rel, `${this.o.outRoot}/${rel}`, st).then((e) => {
      this.unstated.delete(abs); // its bytes are in the run's counts now
      slot.entry = e;
      if (e?.flags.includes('s')) this.sqliteCopied.add(rel);
      dir.pending--;
    });
    this.copying.set(rel, task);
    this.track(task.finally(() => this.copying.delete(rel)));
    return task;
  }

  /**
   * Queues an unchanged file's hard link: the folder's links go to its copy thread together (sendLinks), and
   * its entry (the previous one) is written once they are made.
   */
  private linkLater(abs: string, rel: string, prev: ManifestEntry, dir: DirFinish): void {
    const cut = rel.lastIndexOf('/');
    const folder = rel.slice(0, cut);
    if (this.links && this.links.rel !== folder) this.sendLinks();
    const src = abs.slice(0, abs.length - (rel.length - cut));
    let b = this.links;
    if (!b) {
      let settle!: (task: Promise<void>) => void;
      const done = new Promise<void>((resolve) => (settle = resolve as (task: Promise<void>) => void));
      done.catch(() => {}); // the failure is the walk's (track): no entry waiting on it may go unhandled
      b = this.links = { rel: folder, src, dir, names: [], slots: [], done, settle };
    }
    const slot: LinkSlot = { entry: prev, prev, wait: b.done, abs, line: this.matchedLine };
    b.names.push(rel.slice(cut + 1));
    b.slots.push(slot);
    this.out.queue(slot);
    this.stats.linkedFiles++;
    this.linkedBytes += prev.size;
    if (b.names.length >= LINK_BATCH) this.sendLinks();
  }

  /** Sends the current folder's queued links to its thread; a file whose link fails is copied instead. */
  private sendLinks(): void {
    const b = this.links;
    if (!b) return;
    this.links = null;
    b.dir.pending++;
    const prevs = b.slots.map((s) => s.prev!);
    const job = {
      src: b.src,
      from: `${this.o.baseRoot}/${b.rel}`,
      to: `${this.o.outRoot}/${b.rel}`,
      names: b.names,
      size: prevs.map((p) => p.size),
      mtimeMs: prevs.map((p) => p.mtimeMs),
      ctimeMs: prevs.map((p) => p.ctimeMs!),
      mode: prevs.map((p) => p.mode),
      ino: prevs.map((p) => p.ino!),
    };
    const task = this.copier.link(job).then((failed) => {
      // Entries whose link is made are ready to be written (EntryOutput.flush passes a slot with no wait).
      for (const slot of b.slots) slot.wait = undefined;
      for (const [i, code] of failed) this.linkFailed(b.slots[i]!, code, b.dir);
      b.dir.pending--;
    });
    this.track(task);
    b.settle(task);
    this.lastLinks = b.done;
  }

  /** A link that failed: fatal when the disk is full, else the file is copied instead (if still there). */
  private linkFailed(slot: LinkSlot, code: string, dir: DirFinish): void {
    const rel = slot.prev!.path;
    if (DISK_FULL.has(code)) throw destError(Object.assign(new Error(code), { code }), rel);
    if (code !== CHANGED && !LINK_FALLBACK.has(code))
      throw new Error(`${displayName(rel)} could not be linked (${code})`);
    // Changed since the previous backup, or the previous copy is gone or cannot take another link: a copy.
    this.stats.linkedFiles--;
    this.linkedBytes -= slot.prev!.size;
    slot.entry = null;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(fsPath(slot.abs));
    } catch {
      this.stats.files--; // gone since the walk saw it
      this.stats.bytes -= slot.prev!.size;
      return;
    }
    this.stats.bytes += st.size - slot.prev!.size;
    slot.wait = this.startCopy(slot.abs, rel, st, slot, dir);
  }

  private track(task: Promise<void>): void {
    const t: Promise<void> = task.then(
      () => this.untrack(t),
      (e: unknown) => {
        this.failure ??= e;
        this.untrack(t);
      },
    );
    this.inFlight.add(t);
  }

  private untrack(t: Promise<void>): void {
    this.inFlight.delete(t);
    this.slotWaiters.shift()?.();
  }

  private async symlink(abs: string, rel: string, st: fs.Stats): Promise<void> {
    const prev = await this.match(rel);
    const target = this.copier.symlink(abs, rel, `${this.o.outRoot}/${rel}`, st);
    if (target === null) return;
    this.stats.symlinks++;
    await this.out.push(statEntry('l', rel, st, { size: encodeName(target).length, target }), prev);
  }

  /** Lets copies, progress and cancellation in; flushes finished copies from the queue. */
  private async breathe(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.o.signal?.aborted)
      throw new CairnError('cancelled', 'The backup was cancelled; nothing was kept.');
    if (this.out.pending) await this.out.flush(false);
    this.emitProgress(false);
    await new Promise((r) => setImmediate(r));
  }

  private emitProgress(force: boolean): void {
    const t = performance.now();
    if (!force && t - this.lastProgress < 200) return;
    this.lastProgress = t;
    this.o.onProgress?.(this.stats);
  }
}
