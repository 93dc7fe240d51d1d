import type { Retention } from '../catalog/plans';

/** What the retention rules need to know about one backup. */
export interface RetentionInput {
  id: number;
  startedAt: number;
  pinned: boolean;
  note: string | null;
}

export interface RetentionDecision {
  id: number;
  keep: boolean;
  /** Why it is kept ("latest", "daily 3 of 7", "pinned: before upgrade"); empty when pruned. */
  reasons: string[];
}

interface Bucket {
  name: string;
  max: number;
  left: number;
  last: number | null;
  key: (t: LocalTime, nr: number) => number;
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Calendar fields of an instant in a time zone (the system's when none is given). */
export function localTime(ms: number, timeZone?: string): LocalTime {
  let f = formatters.get(timeZone ?? '');
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone ?? '', f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') };
}

/** ISO 8601 week of a calendar date, as year*100 + week (Go's time.ISOWeek, which restic uses). */
export function isoWeek(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() || 7; // Monday 1 .. Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const y = d.getUTCFullYear();
  const week = Math.floor((d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 / 7) + 1;
  return y * 100 + week;
}

/**
 * Applies keep-last/daily/weekly/monthly/yearly with restic's meaning (`restic forget`): walking from the
 * newest backup, each rule keeps a backup whose day/ISO week/month/year differs from the last one it kept,
 * until its count runs out; a rule with counts left also keeps the oldest backup. Pinned backups are always
 * kept (and, like restic's --keep-tag, still count towards the rules), and so is the newest backup, which
 * the next run hard-links from. No rules at all keeps everything.
 */
export function applyRetention(
  backups: RetentionInput[],
  policy: Retention,
  timeZone?: string,
): RetentionDecision[] {
  const list = [...backups].sort((a, b) => b.startedAt - a.startedAt || b.id - a.id);
  const rules: Omit<Bucket, 'left' | 'last'>[] = [
    { name: 'last', max: policy.keepLast, key: (_t, nr) => nr },
    { name: 'daily', max: policy.keepDaily, key: (t) => t.year * 10000 + t.month * 100 + t.day },
    { name: 'weekly', max: policy.keepWeekly, key: (t) => isoWeek(t.year, t.month, t.day) },
    { name: 'monthly', max: policy.keepMonthly, key: (t) => t.year * 100 + t.month },
    { name: 'yearly', max: policy.keepYearly, key: (t) => t.year },
  ];
  const buckets: Bucket[] = rules.filter((b) => b.max > 0).map((b) => ({ ...b, left: b.max, last: null }));
  return list.map((b, nr) => {
    const reasons: string[] = [];
    if (nr === 0) reasons.push('latest');
    if (b.pinned) reasons.push(b.note ? `pinned: ${b.note}` : 'pinned');
    if (buckets.length === 0) reasons.push('no retention rules');
    const t = localTime(b.startedAt, timeZone);
    const oldest = nr === list.length - 1;
    for (const k of buckets) {
      if (k.left <= 0) continue;
      const v = k.key(t, nr);
      const sameSlot = v === k.last;
      if (sameSlot && !oldest) continue;
      k.last = v;
      k.left--;
      const why = `${k.name} ${k.max - k.left} of ${k.max}`;
      reasons.push(sameSlot ? `oldest, ${why}` : why);
    }
    return { id: b.id, keep: reasons.length > 0, reasons };
  });
}
