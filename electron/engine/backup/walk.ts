import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CairnError, describeError, errnoCode } from '../errors';
import { copySqlite } from './copy';
import { CopyPool, type CopyOutcome } from './copyPool';
import type { ExcludeMatcher } from './excludes';
import {
  comparePaths,
  escapeField,
  formatEntry,
  type LineSink,
  type ManifestEntry,
  type ManifestReader,
  type ManifestWriter,
} from './manifest';

export interface Warning {
  path: string;
  message: string;
}

export interface WalkStats {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  newFiles: number;
  newBytes: number;
  linkedFiles: number;
  skipped: number;
  warnings: number;
  currentPath: string;
}

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
const MAX_QUEUE = 4096;
/** Copies waiting or running on the pool before the walk pauses. */
const MAX_COPIES = 256;
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
const LINK_FALLBACK = new Set(['ENOENT', 'EMLINK', 'EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP']);

interface Slot {
  entry: ManifestEntry | null;
  prev: ManifestEntry | null;
  wait?: Promise<void>;
}

interface DirFinish {
  out: string;
  mode: number;
  atimeMs: number;
  mtimeMs: number;
  pending: number;
}

function inoOf(st: fs.Stats): string {
  return `${st.dev}:${st.ino}`;
}

function sameVersion(a: ManifestEntry, b: ManifestEntry): boolean {
  return (
    a.kind === b.kind &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.mode === b.mode &&
    a.sha256 === b.sha256 &&
    a.target === b.target
  );
}

/** Turns a write failure on the destination into the plain sentence the user needs. */
export function destError(e: unknown, what: string): unknown {
  const code = errnoCode(e);
  if (code && DISK_FULL.has(code)) {
    return new CairnError(
      'disk-full',
      `The backup disk is full (while writing ${what}); free some space or prune old backups, then back up again. Earlier backups are untouched.`,
    );
  }
  if (code === 'EROFS')
    return new CairnError('dest-unwritable', `The backup disk is read-only (while writing ${what}).`);
  return e;
}

/**
 * Walks the sources in sorted order and writes one complete backup folder: unchanged files are hard-linked
 * from the previous backup without being read, changed and new ones copied and hashed in one pass. The walk
 * merge-joins the previous manifest, so memory stays flat however many files there are.
 */
export class Walker {
  readonly stats: WalkStats = {
    files: 0,
    dirs: 0,
    symlinks: 0,
    bytes: 0,
    newFiles: 0,
    newBytes: 0,
    linkedFiles: 0,
    skipped: 0,
    warnings: 0,
    currentPath: '',
  };
  readonly warnings: Warning[] = [];
  private queue: Slot[] = [];
  private inFlight = new Set<Promise<void>>();
  private deferredDirs: DirFinish[] = [];
  private dirStack: DirFinish[] = [];
  /** Databases copied with the backup API: their -wal/-shm/-journal files are already inside the copy. */
  private readonly sqliteCopied = new Set<string>();
  /** Copies under way by path, so a database's -wal file can wait for the database's own copy. */
  private readonly copying = new Map<string, Promise<void>>();
  private pool: CopyPool | null = null;
  private tick = 0;
  private lastProgress = 0;

  constructor(private readonly o: WalkOptions) {}

  /** Walks every source (sorted by label) and waits for every copy; throws on a fatal error. */
  async run(sources: WalkSource[]): Promise<void> {
    const sorted = [...sources].sort((a, b) => comparePaths(a.label, b.label));
    for (const s of sorted) {
      const st = fs.statSync(s.path);
      await this.enterDir(s.path, s.label, '', st, s.matcher);
    }
    await this.drainBase(null);
    await this.flushQueue(true);
    await this.pool?.close();
    for (const d of this.deferredDirs.reverse()) this.finishDir(d);
    this.emitProgress(true);
  }

  /** Waits for every copy still running (after a failure), so the caller can remove the partial folder. */
  async settle(): Promise<void> {
    await this.pool?.close();
    await Promise.allSettled([...this.inFlight]);
  }

  warn(path: string, message: string): void {
    this.stats.warnings++;
    if (this.warnings.length < MAX_WARNINGS_KEPT) this.warnings.push({ path, message });
  }

  private async enterDir(abs: string, rel: string, srcRel: string, st: fs.Stats, m: ExcludeMatcher) {
    const out = `${this.o.outRoot}/${rel}`;
    try {
      fs.mkdirSync(out, { mode: 0o700 });
    } catch (e) {
      throw destError(e, rel);
    }
    const entry: ManifestEntry = {
      kind: 'd',
      path: rel,
      size: 0,
      mtimeMs: st.mtimeMs,
      mode: st.mode & 0o7777,
      sha256: null,
      target: null,
      ino: inoOf(st),
      ctimeMs: st.ctimeMs,
      flags: '',
    };
    this.stats.dirs++;
    await this.push(entry, await this.match(rel));
    const finish: DirFinish = { out, mode: entry.mode, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs, pending: 0 };
    this.dirStack.push(finish);
    let names: string[];
    try {
      names = fs.readdirSync(abs);
    } catch (e) {
      this.warn(rel, `folder could not be read (${errnoCode(e) ?? describeError(e)}); backed up empty`);
      names = [];
    }
    names.sort();
    for (const name of names) {
      if ((++this.tick & 255) === 0) await this.breathe();
      const childAbs = `${abs}/${name}`;
      const childRel = `${rel}/${name}`;
      const childSrcRel = srcRel ? `${srcRel}/${name}` : name;
      let cst: fs.Stats;
      try {
        cst = fs.lstatSync(childAbs);
      } catch (e) {
        if (errnoCode(e) === 'ENOENT' && !name.includes('\uFFFD')) continue; // deleted since the listing
        this.warn(
          childRel,
          name.includes('\uFFFD')
            ? 'file name is not valid UTF-8; skipped'
            : `could not be read (${errnoCode(e) ?? describeError(e)}); skipped`,
        );
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
    this.dirStack.pop();
    if (finish.pending > 0) this.deferredDirs.push(finish);
    else this.finishDir(finish);
  }

  private finishDir(d: DirFinish): void {
    try {
      fs.chmodSync(d.out, d.mode | 0o700);
      fs.utimesSync(d.out, d.atimeMs / 1000, d.mtimeMs / 1000);
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

  private async file(abs: string, rel: string, st: fs.Stats): Promise<void> {
    const sidecar = /-(wal|shm|journal)$/.exec(rel);
    if (sidecar) {
      const db = rel.slice(0, sidecar.index);
      await this.copying.get(db);
      if (this.sqliteCopied.has(db)) {
        // Copying it raw beside the consistent snapshot could make SQLite replay stale pages into it.
        await this.match(rel);
        return;
      }
    }
    const prev = await this.match(rel);
    const out = `${this.o.outRoot}/${rel}`;
    const mode = st.mode & 0o7777;
    this.stats.files++;
    this.stats.bytes += st.size;
    if (
      this.o.baseRoot &&
      prev &&
      prev.kind === 'f' &&
      !prev.flags.includes('s') &&
      prev.size === st.size &&
      prev.mtimeMs === st.mtimeMs &&
      prev.ctimeMs === st.ctimeMs &&
      prev.ino === inoOf(st) &&
      prev.mode === mode
    ) {
      try {
        fs.linkSync(`${this.o.baseRoot}/${rel}`, out);
        this.stats.linkedFiles++;
        await this.push({ ...prev, path: rel }, prev);
        return;
      } catch (e) {
        const code = errnoCode(e);
        if (code && DISK_FULL.has(code)) throw destError(e, rel);
        if (!code || !LINK_FALLBACK.has(code)) throw e;
        // The previous copy is gone or cannot take another link: copy instead.
      }
    }
    const dir = this.dirStack.at(-1)!;
    dir.pending++;
    const slot: Slot = { entry: null, prev };
    const task = this.copyWithRetry(abs, rel, out, st).then((e) => {
      slot.entry = e;
      if (e?.flags.includes('s')) this.sqliteCopied.add(rel);
      dir.pending--;
    });
    slot.wait = task;
    this.copying.set(rel, task);
    this.track(task.finally(() => this.copying.delete(rel)));
    this.queue.push(slot);
    while (this.inFlight.size >= MAX_COPIES) await Promise.race(this.inFlight);
  }

  private track(task: Promise<void>): void {
    const t = task.finally(() => this.inFlight.delete(t));
    t.catch(() => undefined);
    this.inFlight.add(t);
  }

  private copyOnce(abs: string, out: string, st: fs.Stats, detectSqlite: boolean): Promise<CopyOutcome> {
    this.pool ??= new CopyPool(this.o.parallel);
    return this.pool.copy({
      src: abs,
      dst: out,
      mode: st.mode & 0o7777,
      size: st.size,
      mtimeMs: st.mtimeMs,
      detectSqlite,
    });
  }

  private async copyWithRetry(
    abs: string,
    rel: string,
    out: string,
    st: fs.Stats,
  ): Promise<ManifestEntry | null> {
    let cur = st;
    for (let attempt = 1; ; attempt++) {
      let r = await this.copyOnce(abs, out, cur, true);
      let sqlite = false;
      if (r.kind === 'sqlite') {
        try {
          const c = await copySqlite(abs, out, cur);
          sqlite = true;
          r = { kind: 'copied', ...c, mtimeMs: cur.mtimeMs, ctimeMs: cur.ctimeMs, ino: inoOf(cur) };
        } catch (se) {
          fs.rmSync(out, { force: true });
          this.warn(
            rel,
            `SQLite database could not be copied consistently (${describeError(se)}); copied as a plain file`,
          );
          r = await this.copyOnce(abs, out, cur, false);
        }
      }
      if (r.kind === 'error') {
        if (r.code && (DISK_FULL.has(r.code) || r.code === 'EROFS')) throw destError(r, rel);
        fs.rmSync(out, { force: true });
        this.stats.files--;
        this.stats.bytes -= st.size;
        if (r.code === 'ENOENT') return null; // deleted while we were getting to it
        this.warn(rel, `could not be read (${r.code ?? r.message}); skipped`);
        this.stats.skipped++;
        return null;
      }
      if (r.kind !== 'copied') throw new Error('unexpected copy outcome');
      if (r.changed && attempt < 3) {
        fs.rmSync(out, { force: true });
        try {
          cur = fs.lstatSync(abs);
        } catch {
          this.stats.files--;
          this.stats.bytes -= st.size;
          return null;
        }
        continue;
      }
      if (r.changed) this.warn(rel, 'kept changing while it was read; the copy may be inconsistent');
      this.stats.newFiles++;
      this.stats.newBytes += r.size;
      this.stats.bytes += r.size - st.size;
      return {
        kind: 'f',
        path: rel,
        size: r.size,
        mtimeMs: r.mtimeMs,
        mode: cur.mode & 0o7777,
        sha256: r.sha256,
        target: null,
        ino: r.ino,
        ctimeMs: r.changed ? null : r.ctimeMs,
        flags: sqlite ? 's' : '',
      };
    }
  }

  private async symlink(abs: string, rel: string, st: fs.Stats): Promise<void> {
    const prev = await this.match(rel);
    let target: string;
    try {
      target = fs.readlinkSync(abs);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return;
      this.warn(rel, `symlink could not be read (${errnoCode(e) ?? describeError(e)}); skipped`);
      this.stats.skipped++;
      return;
    }
    const out = `${this.o.outRoot}/${rel}`;
    try {
      fs.symlinkSync(target, out);
      fs.lutimesSync(out, st.atimeMs / 1000, st.mtimeMs / 1000);
    } catch (e) {
      throw destError(e, rel);
    }
    this.stats.symlinks++;
    await this.push(
      {
        kind: 'l',
        path: rel,
        size: Buffer.byteLength(target),
        mtimeMs: st.mtimeMs,
        mode: st.mode & 0o7777,
        sha256: null,
        target,
        ino: inoOf(st),
        ctimeMs: st.ctimeMs,
        flags: '',
      },
      prev,
    );
  }

  /** Queues an entry; written in walk order as soon as everything before it is known. */
  private async push(entry: ManifestEntry | null, prev: ManifestEntry | null): Promise<void> {
    if (this.queue.length === 0) return this.write(entry, prev);
    this.queue.push({ entry, prev });
    if (this.queue.length >= MAX_QUEUE) await this.flushQueue(false, MAX_QUEUE / 2);
  }

  private async flushQueue(all: boolean, downTo = 0): Promise<void> {
    while (this.queue.length > downTo) {
      const head = this.queue[0]!;
      if (head.wait) {
        if (!all && downTo === 0) return;
        await head.wait;
        head.wait = undefined;
      }
      this.queue.shift();
      await this.write(head.entry, head.prev);
    }
  }

  private async write(entry: ManifestEntry | null, prev: ManifestEntry | null): Promise<void> {
    if (entry === null) {
      if (prev) await this.o.changes.add(`-${escapeField(prev.path)}`);
      return;
    }
    await this.o.manifest.add(entry);
    if (prev && sameVersion(prev, entry)) return;
    if (prev) await this.o.changes.add(`-${escapeField(prev.path)}`);
    await this.o.changes.add(`+${formatEntry(entry)}`);
  }

  /** Lets copies, progress and cancellation in; flushes finished copies from the queue. */
  private async breathe(): Promise<void> {
    if (this.o.signal?.aborted)
      throw new CairnError('cancelled', 'The backup was cancelled; nothing was kept.');
    if (this.queue.length) await this.flushQueue(false);
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
