import fs from 'node:fs';
import type { ManifestEntry } from '../format/manifest';
import { numberedTempName, reserveTemps, tempPrefix } from './place';
import type { LineChunk, PlaceChunk, PlaceFailure, RestoreThreads } from './placePool';
import { fsPath } from '../format/fsName';

/** A file handed to the restore threads, and what to count it as once it lands. */
export interface PlaceItem<K> {
  entry: ManifestEntry;
  kind: K;
}

/** A folder whose files are handed over as manifest lines (see addLine). */
export interface LineFolder {
  /** The folder in the backup, checked to be a real folder. */
  srcDir: string;
  /** The folder this restore made for them. */
  dstDir: string;
}

/** Where the restore threads' answers go. */
export interface PlaceReports<K, F extends LineFolder> {
  /** A file added with add(): null when it landed (written, checked, renamed), else why not. */
  item(item: PlaceItem<K>, failure: PlaceFailure | Error | null): void;
  /** Files added with addLine(), a chunk at a time: the bytes of those that landed, and the others by index. */
  lines(folder: F, lines: string[], bytes: number, failures: [number, PlaceFailure | Error][]): void;
}

interface Gathering<K, F> {
  srcDir: string;
  dstDir: string;
  names: string[];
  dstNames: string[] | null;
  items: PlaceItem<K>[];
  watched: string[];
  /** Files added with addLine (then names and items stay empty). */
  folder: F | null;
  lines: string[];
}

/**
 * Files per chunk: most folders go whole. Every message wakes a thread, which costs more in a VM than the
 * work it saves (256 against 64: 2% faster on this 2-core VM, measured on 50,000 small files).
 */
const CHUNK_FILES = 256;

/**
 * Hands files to restore from a local backup folder to the restore threads, gathered by folder: a folder's
 * files go in chunks of up to 256 (CHUNK_FILES), each chunk answered once. Tracks what is in flight, so a
 * restore can wait for it, and removes the temporary files of whatever a stopped restore left unfinished.
 */
export class Placer<K, F extends LineFolder = LineFolder> {
  private pool: RestoreThreads | null;
  private gathering: Gathering<K, F> | null = null;
  /** Chunks sent and not answered: their folder and temporary numbers (for clean-up when stopped). */
  private readonly sent = new Map<number, { dstDir: string; tmpBase: number; count: number }>();
  private nextChunk = 1;
  /** Files sent or gathered and not yet answered. */
  pending = 0;
  /** Files in flight whose path the walk may look at again (see add's `watch`). */
  private readonly watched = new Set<string>();
  private wake: (() => void) | null = null;
  private wakeAt = 0;
  private stopped = false;

  constructor(
    private readonly report: PlaceReports<K, F>,
    threads: RestoreThreads,
  ) {
    this.pool = threads;
  }

  /**
   * Adds a file: read from src (a path in the backup folder), written to dstDir/dstName. Files of the same
   * folder pair gather into one chunk, sent when full or when the next file is elsewhere. `watch`:
   * writing(path) answers true until it lands (a file in a folder that existed, whose name a later entry's
   * kept-beside name can meet).
   */
  add(src: string, dstDir: string, dstName: string, item: PlaceItem<K>, watch = false): void {
    const slash = src.lastIndexOf('/');
    const srcDir = src.slice(0, slash);
    const name = src.slice(slash + 1);
    let g = this.gathering;
    if (!g || g.folder || g.srcDir !== srcDir || g.dstDir !== dstDir) g = this.gather(srcDir, dstDir, null);
    if (dstName !== name) g.dstNames ??= g.names.slice();
    if (watch) {
      this.watched.add(`${dstDir}/${dstName}`);
      g.watched.push(`${dstDir}/${dstName}`);
    }
    g.dstNames?.push(dstName);
    g.names.push(name);
    g.items.push(item);
    this.pending++;
    if (g.names.length >= CHUNK_FILES) this.flush();
  }

  /**
   * Adds a file of a folder this restore made, as its manifest line (kind "f", a path without escapes whose
   * last name is safe): it keeps its name. Lines of one folder gather into chunks as add() does.
   */
  addLine(folder: F, line: string): void {
    let g = this.gathering;
    if (!g || g.folder !== folder) g = this.gather(folder.srcDir, folder.dstDir, folder);
    g.lines.push(line);
    this.pending++;
    if (g.lines.length >= CHUNK_FILES) this.flush();
  }

  private gather(srcDir: string, dstDir: string, folder: F | null): Gathering<K, F> {
    this.flush();
    return (this.gathering = {
      srcDir,
      dstDir,
      names: [],
      dstNames: null,
      items: [],
      watched: [],
      folder,
      lines: [],
    });
  }

  /** True while a watched file is being written at this path. */
  writing(abs: string): boolean {
    return this.watched.has(abs);
  }

  /** Sends the files gathered so far. */
  flush(): void {
    const g = this.gathering;
    this.gathering = null;
    const count = g ? g.items.length + g.lines.length : 0;
    if (!g || count === 0) return;
    if (!this.pool) throw new Error('the restore threads are stopped');
    const tmpBase = reserveTemps(count);
    const id = this.nextChunk++;
    this.sent.set(id, { dstDir: g.dstDir, tmpBase, count });
    const common = { srcDir: g.srcDir, dstDir: g.dstDir, tmpPrefix: tempPrefix(g.dstDir), tmpBase };
    const chunk: PlaceChunk | LineChunk = g.folder
      ? { ...common, lines: g.lines }
      : {
          ...common,
          names: g.names,
          dstNames: g.dstNames,
          sizes: g.items.map((i) => i.entry.size),
          shas: g.items.map((i) => i.entry.sha256 ?? ''),
          modes: g.items.map((i) => i.entry.mode & 0o7777),
          mtimes: g.items.map((i) => i.entry.mtimeMs),
        };
    this.pool.submit(chunk, g.dstDir, (err, r) => {
      if (this.stopped) return; // cut short: not counted; close() removes its temporary files
      this.sent.delete(id);
      this.pending -= count;
      const failures: [number, PlaceFailure | Error][] = err
        ? Array.from({ length: count }, (_, i) => [i, err])
        : typeof r === 'number'
          ? []
          : r!.failures;
      if (g.folder)
        this.report.lines(g.folder, g.lines, typeof r === 'number' ? r : (r?.bytes ?? 0), failures);
      else {
        const failed = new Map(failures);
        g.items.forEach((item, i) => this.report.item(item, failed.get(i) ?? null));
        for (const w of g.watched) this.watched.delete(w);
      }
      if (this.wake && this.pending <= this.wakeAt) {
        this.wake();
        this.wake = null;
      }
    });
  }

  /** Sends what is gathered and waits until at most `limit` files are in flight. */
  async drain(limit: number): Promise<void> {
    this.flush();
    this.wakeAt = limit;
    while (this.pending > limit) await new Promise<void>((r) => (this.wake = r));
  }

  /** Stops the threads; the temporary files of chunks not answered are removed. */
  async close(): Promise<void> {
    if (!this.pool) return;
    this.stopped = true;
    const pool = this.pool;
    this.pool = null;
    await pool.close();
    for (const c of this.sent.values())
      for (let n = c.tmpBase; n < c.tmpBase + c.count; n++)
        fs.rmSync(fsPath(numberedTempName(c.dstDir, n)), { force: true });
    this.sent.clear();
  }
}
