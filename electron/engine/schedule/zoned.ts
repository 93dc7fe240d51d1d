/** A wall-clock time in some timezone. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(tz, f);
  }
  return f;
}

/** True when Intl knows the timezone name. */
export function isTimezone(tz: string): boolean {
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at an instant in a timezone. */
export function wallTime(ms: number, tz: string): WallTime {
  const p: Record<string, number> = {};
  for (const part of format(tz).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

function asUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** The timezone's offset from UTC at an instant, in ms. */
export function offsetAt(ms: number, tz: string): number {
  return asUtc(wallTime(Math.floor(ms / 1000) * 1000, tz)) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in a timezone. Twice (clocks go back): the first. Never (clocks go
 * forward): read with the offset before the change, so 02:30 on a skipped hour becomes 03:30.
 */
export function instantOf(w: WallTime, tz: string): number {
  const guess = asUtc(w);
  const before = guess - offsetAt(guess - 12 * 3600_000, tz);
  const after = guess - offsetAt(guess + 12 * 3600_000, tz);
  const valid = [before, after].filter((t) => asUtc(wallTime(t, tz)) === guess);
  return valid.length ? Math.min(...valid) : before;
}

/** The calendar day after (or before, with -1) a date, as year/month/day. */
export function addDays(
  y: number,
  m: number,
  d: number,
  n: number,
): { year: number; month: number; day: number } {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}
