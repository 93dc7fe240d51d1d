import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { Plan } from '../catalog/plans';
import { excludeMatcher } from '../format/excludes';
import { errnoCode } from '../errors';
import { ChangeSet } from './changes';

export type WatchPhase = 'starting' | 'watching' | 'failed';

export interface PlanWatcherOptions {
  plan: Pick<Plan, 'name' | 'sources' | 'excludes'>;
  now: () => number;
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

/** Watches one plan's sources with chokidar, counting files changed since the last backup. */
export class PlanWatcher {
  phase: WatchPhase = 'starting';
  message: string | null = null;
  readonly changes = new ChangeSet();
  private watcher: FSWatcher | null = null;

  constructor(private readonly o: PlanWatcherOptions) {}

  /** Starts watching; resolves when the initial scan is done (or watching failed). */
  start(): Promise<void> {
    const matcher = excludeMatcher(this.o.plan.excludes);
    const roots = this.o.plan.sources.map((s) => path.resolve(s.path));
    const ignored = (p: string, stats?: { isDirectory(): boolean }): boolean => {
      const root = roots.find((r) => p === r || p.startsWith(r + path.sep));
      if (!root || p === root) return false;
      const rel = path.relative(root, p).split(path.sep).join('/');
      return matcher.excluded(rel, stats?.isDirectory() ?? false);
    };
    let w: FSWatcher;
    try {
      w = watch(roots, { ignoreInitial: true, persistent: true, followSymlinks: false, ignored });
    } catch (e) {
      this.fail(e);
      return Promise.resolve();
    }
    this.watcher = w;
    const count = (p: string) => {
      if (this.phase === 'failed') return;
      this.changes.add(p, this.o.now());
      this.o.onCount(this.changes.count);
    };
    w.on('add', count).on('change', count).on('unlink', count);
    return new Promise((resolve) => {
      w.on('ready', () => {
        if (this.phase === 'starting') this.phase = 'watching';
        resolve();
      });
      w.on('error', (e) => {
        this.fail(e);
        resolve();
      });
    });
  }

  /** The backup that started at `t` finished: changes before it are in it. */
  backedUp(startedAt: number): void {
    this.changes.clearBefore(startedAt);
    this.o.onCount(this.changes.count);
  }

  get changedFiles(): number | null {
    return this.phase === 'watching' ? this.changes.count : null;
  }

  /** The chokidar watcher (tests raise its errors). */
  get fsWatcher(): FSWatcher | null {
    return this.watcher;
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
    await w?.close().catch(() => undefined);
  }
}
