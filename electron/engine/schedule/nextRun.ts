import { parseCron, type CronFields } from './cronExpr';
import { addDays, instantOf, wallTime } from './zoned';

const MAX_DAYS = 366 * 8; // "29 February" comes round within 8 years

function dayMatches(f: CronFields, y: number, m: number, d: number): boolean {
  if (!f.months.has(m) || !f.days.has(d)) return false;
  return f.weekdays.has(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
}

function timesOfDay(f: CronFields, y: number, m: number, d: number, tz: string): number[] {
  const out: number[] = [];
  for (const hour of f.hours)
    for (const minute of f.minutes)
      for (const second of f.seconds)
        out.push(instantOf({ year: y, month: m, day: d, hour, minute, second }, tz));
  return out.sort((a, b) => a - b);
}

function fields(schedule: string | CronFields): CronFields | null {
  if (typeof schedule !== 'string') return schedule;
  try {
    return parseCron(schedule);
  } catch {
    return null;
  }
}

/** The first scheduled instant strictly after `after`, in the timezone; null for an unusable expression. */
export function nextRun(schedule: string | CronFields, tz: string, after: number): number | null {
  const f = fields(schedule);
  if (!f) return null;
  const w = wallTime(after, tz);
  for (let i = -1; i < MAX_DAYS; i++) {
    const { year, month, day } = addDays(w.year, w.month, w.day, i);
    if (!dayMatches(f, year, month, day)) continue;
    for (const t of timesOfDay(f, year, month, day, tz)) if (t > after) return t;
  }
  return null;
}

/** The last scheduled instant at or before `atOrBefore`; null when there is none in 8 years. */
export function previousRun(schedule: string | CronFields, tz: string, atOrBefore: number): number | null {
  const f = fields(schedule);
  if (!f) return null;
  const w = wallTime(atOrBefore, tz);
  for (let i = 1; i > -MAX_DAYS; i--) {
    const { year, month, day } = addDays(w.year, w.month, w.day, i);
    if (!dayMatches(f, year, month, day)) continue;
    const times = timesOfDay(f, year, month, day, tz);
    for (let k = times.length - 1; k >= 0; k--) if (times[k]! <= atOrBefore) return times[k]!;
  }
  return null;
}

/** The next `count` scheduled instants after `after`. */
export function nextRuns(schedule: string, tz: string, after: number, count: number): number[] {
  const f = fields(schedule);
  const out: number[] = [];
  let t = after;
  while (f && out.length < count) {
    const n = nextRun(f, tz, t);
    if (n === null) break;
    out.push(n);
    t = n;
  }
  return out;
}
