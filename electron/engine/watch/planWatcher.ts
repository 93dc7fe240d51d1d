import { watch, type FSWatcher } from 'chokidar';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { excludeMatcher, type ExcludeMatcher } from '../format/excludes';
import { errnoCode } from '../errors';
import { Baseline, changed, seenOf } from './baseline';
import { ChangeSet } from './changes';
import { scanChanges } from './scan';

export type WatchPhase = 'starting' | 'watching' | 'failed';

export interface PlanWatcherOptions {
  plan: Pick<Plan, 'id' | 'name' | 'sources' | 'excludes' | 'dest'>;
  /** The catalog: the last backup there is what changes are counted against. */
  db: Db;
  /** The count moved. */
  onCount: (count: number) => void;
  /** Watching stopped; the message says why and what Cairn does instead. */
  onFailed: (message: string) => void;
}

/** Why watching failed, in one plain sentence. */
export function watchFailure(e: unknown, where: string): string {
  const code = errnoCode(e);
  if (code === 'ENOSPC') {
    return `Cairn cannot watch ${where} for changes: the system's limit of watched folders is reached (raise fs.inotify.max_user_watches). Backups still run on schedule and find every change.`;
  }
  if (code === 'EMFILE') {
    return `Cairn cannot watch ${where} for changes: too many open files. Backups still run on schedule and find every change.`;
  }
  return `Cairn stopped watching ${where} for changes (${code ?? (e instanceof Error ? e.message : String(e))}). Backups still run on schedule and find every change.`;
}

const SLICE = 256;

/**
 * Watches one plan's sources with chokidar, counting the files and symlinks that differ from the plan's last
 * backup (however it was made). An event is only a hint: the path is compared with the backup's version,
 * so a symlink chokidar reports at start (it does, ignoreInitial or not), a file written back as it was, or
 * an excluded path is not counted. At start a scan compares the sources with the backup, so changes made
 * while Cairn was not running count too.
 */
export class PlanWatcher {
  phase: WatchPhase = 'starting';
  message: string | null = null;
  readonly changes = new ChangeSet();
  private watcher: FSWatcher | null = null;
  private readonly baseline: Baseline;
  private readonly roots: { root: string; label: string }[];
  private readonly dest: string;
  /** Ends start()'s wait for chokidar when the watcher is closed before it was ready. */
  private stopWaiting: (() => void) | null = null;

  constructor(private readonly o: PlanWatcherOptions) {
    this.baseline = new Baseline(o.db, o.plan.id);
    this.roots = o.plan.sources.map((s) => ({ root: path.resolve(s.path), label: s.label }));
    this.dest = path.resolve(o.plan.dest);
  }

  /** Starts watching; resolves when the initial scan is done (or watching failed). */
  async start(): Promise<void> {
    const matcher = excludeMatcher(this.o.plan.excludes);
    const ignored = (p: string, stats?: { isDirectory(): boolean }): boolean => {
      if (this.skip(p)) return true;
      const r = this.roots.find((x) => p === x.root || p.startsWith(x.root + path.sep));
      if (!r || p === r.root) return false;
      const rel = path.relative(r.root, p).split(path.sep).join('/');
      return matcher.excluded(rel, stats?.isDirectory() ?? false);
    };
    let w: FSWatcher;
    try {
      w = watch(
        this.roots.map((r) => r.root),
        { ignoreInitial: true, persistent: true, followSymlinks: false, ignored },
      );
    } catch (e) {
      this.fail(e);
      return;
    }
    this.watcher = w;
    const hint = (p: string) => {
      if (this.phase === 'failed') return;
      const key = this.keyOf(p);
      if (key) this.check(p, key);
      this.o.onCount(this.changes.count);
    };
    w.on('add', hint).on('change', hint).on('unlink', hint);
    const ready = await new Promise<boolean>((resolve) => {
      this.stopWaiting = () => resolve(false);
      w.on('ready', () => resolve(true));
      w.on('error', (e) => {
        this.fail(e);
        resolve(false);
      });
    });
    if (!ready) return;
    try {
      await this.scan(matcher);
    } catch (e) {
      return this.fail(e);
    }
    if (this.phase !== 'starting') return;
    this.phase = 'watching';
    this.o.onCount(this.changes.count);
    await this.refresh();
  }

  /**
   * Follows the plan's newest backup (one this process made, or the CLI): the paths counted are compared
   * with it again, so what it holds no longer counts.
   */
  async refresh(): Promise<void> {
    if (this.phase !== 'watching' || !this.baseline.refresh()) return;
    if (this.changes.overflowed) {
      this.changes.clear();
      await this.scan(excludeMatcher(this.o.plan.excludes));
    } else {
      let n = 0;
      for (const key of this.changes.list()) {
        if (++n % SLICE === 0) await new Promise((r) => setImmediate(r));
        if (!this.watcher) return;
        this.check(this.absOf(key), key);
      }
    }
    this.o.onCount(this.changes.count);
  }

  get changedFiles(): number | null {
    return this.phase === 'watching' ? this.changes.count : null;
  }

  /** The chokidar watcher (tests raise its errors). */
  get fsWatcher(): FSWatcher | null {
    return this.watcher;
  }

  private scan(matcher: ExcludeMatcher): Promise<void> {
    return scanChanges({
      sources: this.roots.map((r) => ({ label: r.label, path: r.root, matcher })),
      baseline: this.baseline,
      mark: (p, differs) => this.changes.mark(p, differs),
      skip: (p) => this.skip(p),
      stopped: () => this.watcher === null,
    });
  }

  /** Compares one path with the backup's version of it. */
  private check(abs: string, key: string): void {
    let st: fs.Stats | null = null;
    try {
      st = fs.lstatSync(abs);
    } catch {
      // gone
    }
    this.changes.mark(key, changed(seenOf(st), this.baseline.entry(key)));
  }

  /** The destination (and what is under it) is never a change to back up. */
  private skip(p: string): boolean {
    return p === this.dest || p.startsWith(this.dest + path.sep);
  }

  /** The path as the backup names it ("label/rel"), or null outside the sources. */
  private keyOf(p: string): string | null {
    const r = this.roots.find((x) => p.startsWith(x.root + path.sep));
    return r ? `${r.label}/${path.relative(r.root, p).split(path.sep).join('/')}` : null;
  }

  private absOf(key: string): string {
    const i = key.indexOf('/');
    const r = this.roots.find((x) => x.label === key.slice(0, i));
    return r ? path.join(r.root, key.slice(i + 1)) : '';
  }

  private fail(e: unknown): void {
    if (this.phase === 'failed') return;
    this.phase = 'failed';
    this.message = watchFailure(e, this.o.plan.sources.map((s) => s.path).join(', '));
    void this.close();
    this.o.onFailed(this.message);
  }

  /** Stops watching. */
  async close(): Promise<void> {
    const w = this.watcher;
    this.watcher = null;
    this.stopWaiting?.();
    await w?.close().catch(() => undefined);
  }
}
