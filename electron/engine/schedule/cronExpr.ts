/** A cron expression as sets of allowed values per field (seconds default to 0 for five fields). */
export interface CronFields {
  seconds: number[];
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function nameValue(token: string, names: string[] | null, offset: number): number {
  const t = token.toLowerCase();
  if (names) {
    const i = names.findIndex((n) => t === n || (t.length > 3 && n === t.slice(0, 3)));
    if (i >= 0 && /^[a-z]+$/.test(t)) return i + offset;
  }
  if (!/^\d+$/.test(token)) throw new Error(`"${token}" is not a number`);
  return Number(token);
}

function field(spec: string, min: number, max: number, names: string[] | null = null, offset = 0): number[] {
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      lo = nameValue(a!, names, offset);
      hi = nameValue(b!, names, offset);
    } else {
      lo = nameValue(range!, names, offset);
      hi = stepText === undefined ? lo : max;
    }
    if (lo < min || hi > max || lo > hi) throw new Error(`"${part}" is out of range ${min}-${max}`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Parses five fields (minute hour day month weekday) or six (with seconds first), with lists, ranges, steps
 * and names. Day of month and weekday must both match, as node-cron (which fires the runs) does.
 */
export function parseCron(expr: string): CronFields {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) throw new Error('a cron expression has 5 or 6 fields');
  const [s, m, h, dom, mon, dow] = parts.length === 6 ? parts : ['0', ...parts];
  const weekdays = field(dow!, 0, 7, DAYS).map((d) => (d === 7 ? 0 : d));
  return {
    seconds: field(s!, 0, 59),
    minutes: field(m!, 0, 59),
    hours: field(h!, 0, 23),
    days: new Set(field(dom!, 1, 31)),
    months: new Set(field(mon!, 1, 12, MONTHS, 1)),
    weekdays: new Set(weekdays),
  };
}
