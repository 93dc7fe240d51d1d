import cron, { type ScheduledTask } from 'node-cron';
import { performance } from 'node:perf_hooks';
import type { Plan } from '../catalog/plans';
import { catchUp } from './catchUp';

export type TriggerReason = 'schedule' | 'catch-up' | 'disk-back';

export interface SchedulerDeps {
  plans: () => Plan[];
  timezone: () => string;
  /** How long after start or wake a missed run waits (ms). */
  catchUpDelayMs: () => number;
  now: () => number;
  /** When the plan's newest recorded run started, or null. */
  lastRunStart: (plan: Plan) => number | null;
  isRunning: (plan: Plan) => boolean;
  destPresent: (plan: Plan) => boolean;
  trigger: (plan: Plan, reason: TriggerReason) => void;
  /** The weekly verify: its schedule (null when off), when it last ran, and what runs it. */
  verify?: { schedule: () => string | null; last: () => number | null; run: () => void };
  /** A plain-text line for the log (waiting for the disk, a clock jump). */
  log: (message: string) => void;
  /** A run that was due did not start (the backup disk is away): for the activity log. */
  skipped?: (plan: Plan, message: string) => void;
  tickMs?: number;
  /** A clock that stops while the machine sleeps (performance.now); injected in tests. */
  monotonic?: () => number;
}

/**
 * Fires each plan's backups with node-cron in the user's timezone, and every tick asks the pure catch-up
 * decision whether a scheduled time passed without a run (Cairn stopped, the machine asleep, a minute
 * skipped by a clock change). Catch-up waits a short delay after start or wake, and for the backup disk.
 */
export class Scheduler {
  private tasks = new Map<number, ScheduledTask>();
  private timer: NodeJS.Timeout | null = null;
  private holdUntil = 0;
  private readonly triggered = new Map<number, number>();
  private readonly waiting = new Set<number>();
  private readonly toldSkipped = new Set<number>();
  private lastWall = 0;
  private lastMono = 0;
  private suspended = false;

  constructor(private readonly d: SchedulerDeps) {}

  private mono(): number {
    return this.d.monotonic ? this.d.monotonic() : performance.now();
  }

  /** Starts the cron tasks and the catch-up tick; catch-up runs only after the start delay. */
  start(): void {
    this.holdUntil = this.d.now() + this.d.catchUpDelayMs();
    this.refresh();
    this.markClock();
    this.timer = setInterval(() => this.tick(), this.d.tickMs ?? 30_000);
  }

  /** Re-reads plans and the timezone (after a change): one cron task per plan. */
  refresh(): void {
    for (const t of this.tasks.values()) void t.destroy();
    this.tasks.clear();
    if (this.suspended) return;
    const timezone = this.d.timezone();
    for (const plan of this.d.plans()) {
      if (!cron.validate(plan.schedule)) continue;
      const task = cron.schedule(plan.schedule, () => this.fire(plan.id, 'schedule'), {
        timezone,
        name: `cairn-${plan.name}`,
        noOverlap: true,
        // A run missed during sleep is the catch-up tick's business, not a warning on the console.
        suppressMissedWarning: true,
      });
      this.tasks.set(plan.id, task);
    }
  }

  /** The node-cron task of a plan (for the status and tests). */
  task(planId: number): ScheduledTask | undefined {
    return this.tasks.get(planId);
  }

  /** The machine goes to sleep: no cron firing until resume. */
  suspend(): void {
    this.suspended = true;
    this.refresh();
  }

  /** The machine woke (or a pause ended): cron again, and missed runs after the delay. */
  resume(): void {
    this.suspended = false;
    // Runs started before the sleep were cancelled by it: only recorded runs count from here.
    this.triggered.clear();
    this.holdUntil = this.d.now() + this.d.catchUpDelayMs();
    this.markClock();
    this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const t of this.tasks.values()) void t.destroy();
    this.tasks.clear();
  }

  /** A run failed because the backup disk was away: run again when it is back. */
  waitForDisk(planId: number): void {
    const plan = this.d.plans().find((p) => p.id === planId);
    if (plan) this.markWaiting(plan);
  }

  private markWaiting(plan: Plan): void {
    if (!this.waiting.has(plan.id) && !this.d.destPresent(plan))
      this.d.log(`Backup of ${plan.name} waits for its backup disk (${plan.dest}).`);
    this.waiting.add(plan.id);
  }

  /** True while a plan's run is owed but its backup disk is away. */
  isWaitingForDisk(planId: number): boolean {
    return this.waiting.has(planId);
  }

  /** One look at the clock and the plans: detect a wake-up, run what is owed. Public for tests. */
  tick(): void {
    if (this.suspended) return;
    this.detectClockJump();
    const now = this.d.now();
    for (const plan of this.d.plans()) {
      if (this.d.isRunning(plan)) continue;
      if (this.waiting.has(plan.id)) {
        // Owed a run and waiting for the backup disk: run as soon as it is back (see diskBack).
        if (this.d.destPresent(plan)) this.fire(plan.id, 'disk-back');
        else if (this.due(plan, now)) this.skip(plan, 'catch-up');
        continue;
      }
      if (this.due(plan, now) && now >= this.holdUntil) this.fire(plan.id, 'catch-up');
    }
    this.tickVerify(now);
  }

  /**
   * Runs the plans owed a run whose backup disk is back. The catch-up delay does not hold them: the run was
   * owed before, and the user who plugs the disk in expects it within a minute.
   */
  diskBack(): void {
    if (this.suspended) return;
    for (const plan of this.d.plans())
      if (this.waiting.has(plan.id) && !this.d.isRunning(plan) && this.d.destPresent(plan))
        this.fire(plan.id, 'disk-back');
  }

  /** True when a scheduled time passed without a run (the pure catch-up decision). */
  private due(plan: Plan, now: number): boolean {
    const last = Math.max(this.d.lastRunStart(plan) ?? -Infinity, this.triggered.get(plan.id) ?? -Infinity);
    return catchUp({
      schedule: plan.schedule,
      timezone: this.d.timezone(),
      lastRun: Number.isFinite(last) ? last : null,
      since: plan.createdAt,
      now,
    }).due;
  }

  /** A run was due but the backup disk is away: said once until the plan runs again. */
  private skip(plan: Plan, reason: TriggerReason): void {
    if (this.toldSkipped.has(plan.id)) return;
    this.toldSkipped.add(plan.id);
    this.d.skipped?.(
      plan,
      `The ${reason === 'schedule' ? 'scheduled' : 'missed'} backup did not start: the backup folder ${plan.dest} is not there; it runs when it is back.`,
    );
  }

  private tickVerify(now: number): void {
    const v = this.d.verify;
    const schedule = v?.schedule();
    if (!v || !schedule || now < this.holdUntil) return;
    const d = catchUp({ schedule, timezone: this.d.timezone(), lastRun: v.last(), since: -Infinity, now });
    if (d.due) v.run();
  }

  private fire(planId: number, reason: TriggerReason): void {
    const plan = this.d.plans().find((p) => p.id === planId);
    if (!plan || this.d.isRunning(plan)) return;
    if (!this.d.destPresent(plan)) {
      this.skip(plan, reason);
      this.markWaiting(plan);
      return;
    }
    this.waiting.delete(planId);
    this.toldSkipped.delete(planId);
    this.triggered.set(planId, this.d.now());
    this.d.trigger(plan, reason);
  }

  private markClock(): void {
    this.lastWall = this.d.now();
    this.lastMono = this.mono();
  }

  /** In headless mode a sleep shows as the wall clock running ahead of the monotonic one. */
  private detectClockJump(): void {
    const wall = this.d.now() - this.lastWall;
    const mono = this.mono() - this.lastMono;
    this.markClock();
    if (wall - mono > 60_000) {
      this.d.log(
        `The clock jumped ${Math.round((wall - mono) / 60_000)} minutes (the machine slept); catching up shortly.`,
      );
      this.holdUntil = this.d.now() + this.d.catchUpDelayMs();
    }
  }
}
