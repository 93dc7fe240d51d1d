import type { z } from 'zod';
import type { WatchState } from '../../../shared/contract';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { PlanWatcher } from './planWatcher';

/** What the watchers tell the status (the service has none where no watcher runs in its process). */
export interface WatchInfo {
  state(planName: string): z.output<typeof WatchState>;
  changedFiles(planName: string): number | null;
}

export interface WatchSettings {
  enabled: boolean;
  autoBackup: boolean;
  settleSeconds: number;
  minIntervalMinutes: number;
}

export interface WatchersDeps {
  /** The catalog, where each plan's last backup is. */
  db: Db;
  now: () => number;
  settings: () => WatchSettings;
  onCount: (planName: string, count: number) => void;
  onFailed: (planName: string, message: string) => void;
  /** Changes settled and the minimum interval passed: back up now. */
  onSettled: (planName: string) => void;
  /** When the plan's last run started (for the minimum interval). */
  lastRunStart: (planName: string) => number | null;
}

/**
 * One watcher per plan, following plan and settings changes. With auto-backup on, a backup starts once
 * changes have been quiet for `settleSeconds` and the last run is `minIntervalMinutes` old.
 */
export class Watchers implements WatchInfo {
  private readonly byPlan = new Map<string, { w: PlanWatcher; key: string; timer: NodeJS.Timeout | null }>();

  constructor(private readonly d: WatchersDeps) {}

  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  /** Starts, restarts or stops watchers so they match the plans (one change at a time); resolves when ready. */
  sync(plans: Plan[]): Promise<void> {
    this.chain = this.chain.then(() => this.apply(plans)).catch(() => undefined);
    return this.chain;
  }

  private async apply(plans: Plan[]): Promise<void> {
    if (this.closed) return;
    const s = this.d.settings();
    const wanted = new Map(s.enabled ? plans.map((p) => [p.name, p]) : []);
    for (const [name, entry] of this.byPlan) {
      const p = wanted.get(name);
      if (!p || keyOf(p) !== entry.key) {
        if (entry.timer) clearTimeout(entry.timer);
        this.byPlan.delete(name);
        await entry.w.close();
      }
    }
    const starts: Promise<void>[] = [];
    for (const p of wanted.values()) {
      if (this.byPlan.has(p.name)) continue;
      const entry: { w: PlanWatcher; key: string; timer: NodeJS.Timeout | null } = {
        key: keyOf(p),
        timer: null,
        w: new PlanWatcher({
          plan: p,
          db: this.d.db,
          onCount: (n) => {
            this.d.onCount(p.name, n);
            if (n > 0) this.settle(p.name);
          },
          onFailed: (m) => this.d.onFailed(p.name, m),
        }),
      };
      this.byPlan.set(p.name, entry);
      starts.push(entry.w.start());
    }
    await Promise.all(starts);
  }

  private settle(name: string): void {
    const entry = this.byPlan.get(name);
    const s = this.d.settings();
    if (!entry || !s.autoBackup) return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = null;
      const last = this.d.lastRunStart(name);
      const wait = last === null ? 0 : last + s.minIntervalMinutes * 60_000 - this.d.now();
      if (wait > 0) {
        entry.timer = setTimeout(() => this.settle(name), wait);
        return;
      }
      if (entry.w.changes.count > 0) this.d.onSettled(name);
    }, s.settleSeconds * 1000);
  }

  /**
   * Each plan's newest backup is looked up again (one that just ended here, or one the CLI made): what it
   * holds no longer counts as changed. Cheap when nothing is new (one query per plan).
   */
  async refresh(): Promise<void> {
    for (const e of [...this.byPlan.values()]) await e.w.refresh();
  }

  state(planName: string) {
    const e = this.byPlan.get(planName);
    if (!e) return { state: 'off' as const, message: null };
    return { state: e.w.phase, message: e.w.message };
  }

  changedFiles(planName: string): number | null {
    return this.byPlan.get(planName)?.w.changedFiles ?? null;
  }

  /** The watcher of a plan (tests). */
  watcher(planName: string): PlanWatcher | undefined {
    return this.byPlan.get(planName)?.w;
  }

  /** Stops every watcher; a sync under way finishes first, so nothing is left watching. */
  async close(): Promise<void> {
    this.closed = true;
    // Closing first stops a start-up scan under way, which the chain would otherwise wait for.
    for (const e of this.byPlan.values()) await e.w.close();
    await this.chain;
    for (const e of this.byPlan.values()) {
      if (e.timer) clearTimeout(e.timer);
      await e.w.close();
    }
    this.byPlan.clear();
  }
}

function keyOf(p: Plan): string {
  return JSON.stringify([p.sources, p.excludes]);
}
