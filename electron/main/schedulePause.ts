// "Pause schedule for 1 hour / until tomorrow" and sleep, over the scheduler's one suspend switch: the
// schedule is held while the machine sleeps or a pause runs, and released when neither does. A pause
// postpones, it does not skip: runs missed meanwhile are caught up after it ends. No electron here.

export interface SchedulerSwitch {
  suspend(): void;
  resume(): void;
}

/** Holds the scheduler while asleep or paused; a pause ends by itself at its time. */
export class SchedulePause {
  private sleeping = false;
  private until: number | null = null;
  private held = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly scheduler: SchedulerSwitch,
    private readonly now: () => number = Date.now,
  ) {}

  /** When the pause ends, or null when the schedule is not paused. */
  pausedUntil(): number | null {
    return this.until !== null && this.until > this.now() ? this.until : null;
  }

  /** Pauses until a moment, or resumes with null. */
  set(until: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.until = until;
    if (until !== null && until > this.now()) {
      // A timer may fire late after sleep; waking re-checks the clock anyway.
      this.timer = setTimeout(() => this.set(null), Math.min(until - this.now(), 2 ** 31 - 1));
      this.timer.unref();
    }
    this.apply();
  }

  /** The machine goes to sleep (true) or wakes (false). */
  sleep(on: boolean): void {
    this.sleeping = on;
    this.apply();
  }

  /** Stops the timer (quitting). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private apply(): void {
    const hold = this.sleeping || this.pausedUntil() !== null;
    if (hold && !this.held) this.scheduler.suspend();
    if (!hold && this.held) this.scheduler.resume();
    this.held = hold;
  }
}
