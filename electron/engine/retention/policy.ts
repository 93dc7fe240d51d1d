import { ordinal } from '../../../shared/units';
import type { Retention } from '../catalog/plans';

/** What the retention rules need to know about one backup. */
export interface RetentionInput {
  id: number;
  startedAt: number;
  pinned: boolean;
  note: string | null;
  /** Made because a person asked (cairn backup, "Back up now"), not by the schedule or a restore. */
  manual?: boolean;
}

export interface RetentionDecision {
  id: number;
  keep: boolean;
  /** Why it is kept, in plain words ("newest of 2026-11-03, 2nd of the 7 daily", "pinned: before upgrade"); empty when pruned. */
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

const HOUR = 3_600_000;

/** "24 hours", "1 hour". */
function hoursText(n: number): string {
  return n === 1 ? 'hour' : `${n} hours`;
}

/** Local calendar days from one instant's date to another's (daylight saving changes do not shift it). */
function daysBetween(from: LocalTime, to: LocalTime): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000,
  );
}

/** The local date `days` after `t`, as YYYY-MM-DD. */
function dateAfter(t: LocalTime, days: number): string {
  return new Date(Date.UTC(t.year, t.month - 1, t.day + days)).toISOString().slice(0, 10);
}

/**
 * The rules of time: every backup of the last N hours (restic's --keep-within, a real duration counted
 * back from now), and a backup made by hand with a note until the end of the Nth local day after it was made.
 */
function timeReasons(
  b: RetentionInput,
  t: LocalTime,
  p: Retention,
  now: number,
  nowLocal: LocalTime,
): string[] {
  const out: string[] = [];
  if (p.keepWithinHours > 0 && b.startedAt > now - p.keepWithinHours * HOUR)
    out.push(`made in the last ${hoursText(p.keepWithinHours)}`);
  if (b.manual && b.note && p.keepNotedDays > 0 && daysBetween(t, nowLocal) <= p.keepNotedDays) {
    const days = p.keepNotedDays === 1 ? '1 day' : `${p.keepNotedDays} days`;
    const kept = `made by hand with a note, kept ${days} (through ${dateAfter(t, p.keepNotedDays)})`;
    out.push(b.pinned ? kept : `${kept}: ${b.note}`); // a pin already says the note
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The calendar slot a count rule keeps one backup of: "2026-11-03", "the week of 2026-11-02", "2026-11", "2026". */
function slotText(name: string, t: LocalTime): string {
  if (name === 'daily') return `${t.year}-${pad2(t.month)}-${pad2(t.day)}`;
  if (name === 'monthly') return `${t.year}-${pad2(t.month)}`;
  if (name === 'yearly') return String(t.year);
  const weekday = new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay() || 7;
  return `the week of ${dateAfter(t, 1 - weekday)}`;
}

/** "newest of 2026-11-03, 2nd of the 7 daily", "newest of 2026-11 (keep-monthly 1)", "one of the last 3 backups". */
function countReason(k: Bucket, t: LocalTime): string {
  if (k.name === 'last')
    return k.max === 1 ? 'the last backup (keep-last 1)' : `one of the last ${k.max} backups`;
  const slot = slotText(k.name, t);
  if (k.max === 1) return `newest of ${slot} (keep-${k.name} 1)`;
  return `newest of ${slot}, ${ordinal(k.max - k.left)} of the ${k.max} ${k.name}`;
}

/** "daily", "daily and monthly", "daily, weekly and monthly". */
function andList(xs: string[]): string {
  return xs.length < 2 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** Walks the count rules over one backup (newest first): the reasons they keep it for. */
function countReasons(buckets: Bucket[], t: LocalTime, nr: number, oldest: boolean): string[] {
  const out: string[] = [];
  const room: string[] = [];
  for (const k of buckets) {
    if (k.left <= 0) continue;
    const v = k.key(t, nr);
    const sameSlot = v === k.last;
    if (sameSlot && !oldest) continue;
    k.last = v;
    k.left--;
    if (sameSlot) room.push(k.name);
    else out.push(countReason(k, t));
  }
  if (room.length)
    out.push(
      `oldest backup, kept while the ${andList(room)} rule${room.length > 1 ? 's have' : ' has'} room`,
    );
  return out;
}

/**
 * Applies the plan's retention to its backups, newest first, and says in plain words why each kept one is
 * kept. The count rules keep-last/daily/weekly/monthly/yearly have restic's meaning (`restic forget`):
 * walking from the newest backup, each keeps a backup whose day/ISO week/month/year differs from the last
 * one it kept, until its count runs out; a rule with counts left also keeps the oldest backup. Besides
 * them, every backup of the last `keepWithinHours` hours is kept (like Time Machine's hourly backups), and
 * a backup made by hand with a note for `keepNotedDays` days. Pinned backups are always kept (and, like
 * restic's --keep-tag, still count towards the rules), and so is the newest backup, which the next run
 * hard-links from. No count rules and no keep-within keeps everything.
 */
export function applyRetention(
  backups: RetentionInput[],
  policy: Retention,
  now: number,
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
  const nowLocal = localTime(now, timeZone);
  return list.map((b, nr) => {
    const reasons: string[] = [];
    if (nr === 0) reasons.push('newest backup');
    if (b.pinned) reasons.push(b.note ? `pinned: ${b.note}` : 'pinned');
    if (buckets.length === 0 && policy.keepWithinHours <= 0)
      reasons.push('no retention rules: every backup is kept');
    const t = localTime(b.startedAt, timeZone);
    reasons.push(...timeReasons(b, t, policy, now, nowLocal));
    reasons.push(...countReasons(buckets, t, nr, nr === list.length - 1));
    return { id: b.id, keep: reasons.length > 0, reasons };
  });
}
