// Pausing the backups that start by themselves (the schedule, a missed run caught up, changes settling,
// the weekly verify); a backup the user starts still runs. The pause is kept in the catalog, so the app,
// `cairn serve`, the CLI and a restart share it. A pause postpones, it does not skip: runs missed meanwhile
// are caught up after it ends. Sleep holds the schedule the same way (the app tells it).
import type { Db } from '../../catalog/db';
import { kvDelete, kvGet, kvSet } from '../../catalog/kv';

const KEY = 'service.pause';

/** A pause: since when, and until when (null: until the user resumes). */
export interface Pause {
  since: number;
  until: number | null;
}

/** The pause in force now, or null (none, or its time has passed). */
export function readPause(db: Db, now: number): Pause | null {
  const p = kvGet<Pause>(db, KEY);
  if (!p || typeof p.since !== 'number' || (p.until !== null && typeof p.until !== 'number')) return null;
  return p.until === null || p.until > now ? p : null;
}

/** Pauses until a moment (null: until resumed), or resumes with `pause` null. */
export function writePause(db: Db, pause: Pause | null): void {
  if (pause) kvSet(db, KEY, pause);
  else kvDelete(db, KEY);
}

export interface SchedulerSwitch {
  suspend(): void;
  resume(): void;
}

/**
 * Holds the scheduler while the machine sleeps or a pause is in force, and releases it when neither is;
 * a pause ends by itself at its time. `sync` re-reads the pause (set here or by another Cairn process).
 */
export class PauseControl {
  private sleeping = false;
  private paused = false;
  private held = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly d: {
      db: Db;
      scheduler: SchedulerSwitch;
      now: () => number;
      /** A pause ended (resumed or its time came): what it held may run now. */
      onEnd?: () => void;
    },
  ) {}

  /** The pause in force now, or null. */
  current(): Pause | null {
    return readPause(this.d.db, this.d.now());
  }

  /** Re-reads the pause and holds or releases the schedule; sets the timer that ends it. */
  sync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.current();
    if (p?.until != null) {
      // A timer may fire late after sleep; waking re-checks the clock anyway.
      this.timer = setTimeout(() => this.sync(), Math.min(p.until - this.d.now(), 2 ** 31 - 1));
      this.timer.unref();
    }
    const was = this.paused;
    this.paused = p !== null;
    this.apply();
    if (was && !this.paused) this.d.onEnd?.();
  }

  /** The machine goes to sleep (true) or wakes (false). */
  sleep(on: boolean): void {
    this.sleeping = on;
    this.sync();
  }

  /** Stops the timer (closing). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private apply(): void {
    const hold = this.sleeping || this.paused;
    if (hold && !this.held) this.d.scheduler.suspend();
    if (!hold && this.held) this.d.scheduler.resume();
    this.held = hold;
  }
}

/** "until 2026-12-07 15:00" (local time), or "until you resume". */
export function pauseEnd(p: Pause): string {
  if (p.until === null) return 'until you resume';
  const d = new Date(p.until);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `until ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The next local midnight after now: "pause until tomorrow" resumes when the new day starts. */
export function startOfTomorrow(now: number): number {
  const n = new Date(now);
  return new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1).getTime();
}

/** "30m", "1h", "2d" as milliseconds, or null when it is not such a duration. */
export function durationMs(v: string): number | null {
  const m = /^(\d+)\s*(m|h|d)$/.exec(v.trim());
  if (!m || Number(m[1]) === 0) return null;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
}
