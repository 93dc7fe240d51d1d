// Schedule presets (hourly, every N hours, daily at, weekly on) and the cron expression a plan stores: a
// preset writes one, and a stored expression is read back into its preset, or else into "advanced".

export type SchedulePreset =
  | { kind: 'hourly'; minute: number }
  | { kind: 'hours'; every: number; minute: number }
  | { kind: 'daily'; hour: number; minute: number }
  | { kind: 'weekly'; day: number; hour: number; minute: number }
  | { kind: 'cron'; expr: string };

/** "Every N hours" divides the day evenly, so the gap over midnight is N hours too. */
export const EVERY_HOURS = [2, 3, 4, 6, 8, 12] as const;
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The cron expression (minute hour day month weekday) a preset stands for. */
export function presetToCron(p: SchedulePreset): string {
  switch (p.kind) {
    case 'hourly':
      return `${p.minute} * * * *`;
    case 'hours':
      return `${p.minute} */${p.every} * * *`;
    case 'daily':
      return `${p.minute} ${p.hour} * * *`;
    case 'weekly':
      return `${p.minute} ${p.hour} * * ${p.day}`;
    case 'cron':
      return p.expr.trim();
  }
}

/** A plain number in a range ("05" too), else null. */
function plain(s: string, max: number): number | null {
  if (!/^\d{1,2}$/.test(s)) return null;
  const n = Number(s);
  return n <= max ? n : null;
}

/** A single weekday (0-7 or a name), Sunday as 0. */
function weekday(s: string): number | null {
  const i = DAY_NAMES.indexOf(s.toLowerCase().slice(0, 3));
  if (i >= 0 && /^[a-z]+$/i.test(s)) return i;
  const n = plain(s, 7);
  return n === null ? null : n % 7;
}

/** Reads a cron expression back into the preset that writes it; anything else is "advanced" (cron). */
export function cronToPreset(expr: string): SchedulePreset {
  const advanced: SchedulePreset = { kind: 'cron', expr };
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return advanced;
  const [m, h, dom, mon, dow] = f as [string, string, string, string, string];
  const minute = plain(m, 59);
  if (minute === null || dom !== '*' || mon !== '*') return advanced;
  if (h === '*' && dow === '*') return { kind: 'hourly', minute };
  const every = /^\*\/(\d+)$/.exec(h);
  if (every && dow === '*') {
    const n = Number(every[1]);
    return (EVERY_HOURS as readonly number[]).includes(n) ? { kind: 'hours', every: n, minute } : advanced;
  }
  const hour = plain(h, 23);
  if (hour === null) return advanced;
  if (dow === '*') return { kind: 'daily', hour, minute };
  const day = weekday(dow);
  return day === null ? advanced : { kind: 'weekly', day, hour, minute };
}

/** The preset a kind starts with when the user switches to it, keeping the time of day where there is one. */
export function switchPreset(from: SchedulePreset, kind: SchedulePreset['kind']): SchedulePreset {
  const minute = 'minute' in from ? from.minute : 0;
  const hour = 'hour' in from ? from.hour : 2;
  switch (kind) {
    case 'hourly':
      return { kind, minute };
    case 'hours':
      return { kind, every: 'every' in from ? from.every : 6, minute };
    case 'daily':
      return { kind, hour, minute };
    case 'weekly':
      return { kind, day: 'day' in from ? from.day : 1, hour, minute };
    case 'cron':
      return { kind, expr: presetToCron(from) };
  }
}

/** "02:00" for a time input. */
export function hhmm(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Reads "HH:MM" from a time input; null when it is not a time. */
export function parseHhmm(s: string): { hour: number; minute: number } | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}
