import { describe, expect, it } from 'vitest';
import { applyRetention, isoWeek, type RetentionInput } from './policy';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The count rules alone (the rules of time off), as restic applies them. */
const rules = {
  keepLast: 0,
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  keepYearly: 0,
  keepWithinHours: 0,
  keepNotedDays: 0,
};

/** One backup a day at 02:00 UTC from `first` for `n` days; ids grow with time. */
function daily(first: string, n: number): RetentionInput[] {
  const t0 = Date.parse(`${first}T02:00:00Z`);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    startedAt: t0 + i * DAY,
    pinned: false,
    note: null,
  }));
}

const day = (b: RetentionInput) => new Date(b.startedAt).toISOString().slice(0, 10);

function kept(list: RetentionInput[], policy = rules, tz = 'UTC'): Map<string, string[]> {
  const byId = new Map(list.map((b) => [b.id, b]));
  const out = new Map<string, string[]>();
  const now = Math.max(...list.map((b) => b.startedAt));
  for (const d of applyRetention(list, policy, now, tz)) if (d.keep) out.set(day(byId.get(d.id)!), d.reasons);
  return out;
}

describe('ISO week', () => {
  it('matches the calendar at year boundaries', () => {
    expect(isoWeek(2026, 1, 1)).toBe(202601); // Thursday
    expect(isoWeek(2025, 12, 29)).toBe(202601); // Monday of 2026-W01
    expect(isoWeek(2025, 12, 28)).toBe(202552); // Sunday
    expect(isoWeek(2021, 1, 3)).toBe(202053); // Sunday of 2020-W53
    expect(isoWeek(2024, 12, 30)).toBe(202501);
  });
});

describe('retention (restic forget semantics)', () => {
  // 400 daily backups, 2025-01-01 .. 2026-02-04 (a Wednesday). Worked out by hand from the rules:
  // daily 7 = Feb 4..Jan 29; weekly 4 = newest of ISO weeks 2026-W06, W05, W04, W03 = Feb 4, Feb 1 (Sun),
  // Jan 25, Jan 18; monthly 12 = newest of each month Feb 2026 .. Mar 2025 (month ends).
  const list = daily('2025-01-01', 400);

  it('keeps the newest of each of the last 7 days, 4 ISO weeks and 12 months', () => {
    const k = kept(list);
    expect([...k.keys()].sort()).toEqual(
      [
        '2025-03-31',
        '2025-04-30',
        '2025-05-31',
        '2025-06-30',
        '2025-07-31',
        '2025-08-31',
        '2025-09-30',
        '2025-10-31',
        '2025-11-30',
        '2025-12-31',
        '2026-01-18',
        '2026-01-25',
        '2026-01-29',
        '2026-01-30',
        '2026-01-31',
        '2026-02-01',
        '2026-02-02',
        '2026-02-03',
        '2026-02-04',
      ].sort(),
    );
    expect(k.get('2026-02-04')).toEqual([
      'newest backup',
      'newest of 2026-02-04, 1st of the 7 daily',
      'newest of the week of 2026-02-02, 1st of the 4 weekly',
      'newest of 2026-02, 1st of the 12 monthly',
    ]);
    expect(k.get('2026-02-02')).toEqual(['newest of 2026-02-02, 3rd of the 7 daily']);
    expect(k.get('2026-02-01')).toEqual([
      'newest of 2026-02-01, 4th of the 7 daily',
      'newest of the week of 2026-01-26, 2nd of the 4 weekly',
    ]);
    expect(k.get('2026-01-31')).toEqual([
      'newest of 2026-01-31, 5th of the 7 daily',
      'newest of 2026-01, 2nd of the 12 monthly',
    ]);
    expect(k.get('2026-01-18')).toEqual(['newest of the week of 2026-01-12, 4th of the 4 weekly']);
    expect(k.get('2025-03-31')).toEqual(['newest of 2025-03, 12th of the 12 monthly']);
  });

  it('keeps pinned backups, which still count towards the rules', () => {
    const withPin = list.map((b) =>
      day(b) === '2025-02-14' ? { ...b, pinned: true, note: 'before upgrade' } : b,
    );
    const k = kept(withPin);
    expect(k.get('2025-02-14')).toEqual(['pinned: before upgrade']);
    expect(k.size).toBe(20);
  });

  it('keeps the oldest backup while a rule has counts left (restic >= 0.15)', () => {
    const k = kept(list, { ...rules, keepMonthly: 24 });
    expect(k.get('2025-01-31')).toEqual(['newest of 2025-01, 14th of the 24 monthly']);
    expect(k.get('2025-01-01')).toEqual(['oldest backup, kept while the monthly rule has room']);
  });

  it('keep-last counts backups, not days, and yearly keeps the newest of each year', () => {
    const k = kept(list, {
      ...rules,
      keepLast: 3,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 5,
    });
    expect([...k.keys()].sort()).toEqual([
      '2025-01-01',
      '2025-12-31',
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
    ]);
    expect(k.get('2026-02-03')).toEqual(['one of the last 3 backups']);
    expect(k.get('2025-12-31')).toEqual(['newest of 2025, 2nd of the 5 yearly']);
    expect(k.get('2025-01-01')).toEqual(['oldest backup, kept while the yearly rule has room']);
  });

  it('several backups a day: daily keeps only the newest of each day, the newest is always kept', () => {
    const t = Date.parse('2026-03-10T08:00:00Z');
    const list2 = [0, 1, 2, 24, 25].map((h, i) => ({
      id: i + 1,
      startedAt: t + h * 3_600_000,
      pinned: false,
      note: null,
    }));
    const now = t + 25 * HOUR;
    const d = applyRetention(list2, { ...rules, keepDaily: 1, keepWeekly: 0, keepMonthly: 0 }, now, 'UTC');
    expect(d.map((x) => [x.id, x.keep])).toEqual([
      [5, true],
      [4, false],
      [3, false],
      [2, false],
      [1, false],
    ]);
    const none = applyRetention(list2, { ...rules, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 }, now);
    expect(none.every((x) => x.keep)).toBe(true);
    expect(none[3]!.reasons).toEqual(['no retention rules: every backup is kept']);
  });

  it('reads days in the given time zone', () => {
    // 23:30 UTC on Mar 1 is already Mar 2 in Berlin: two backups, two different days there, one in UTC.
    const a = { id: 1, startedAt: Date.parse('2026-03-01T12:00:00Z'), pinned: false, note: null };
    const b = { id: 2, startedAt: Date.parse('2026-03-01T23:30:00Z'), pinned: false, note: null };
    const p = { ...rules, keepDaily: 2, keepWeekly: 0, keepMonthly: 0 };
    expect(
      applyRetention([a, b, { ...a, id: 0, startedAt: a.startedAt - 7 * DAY }], p, b.startedAt, 'UTC')
        .filter((x) => x.keep)
        .map((x) => x.id),
    ).toEqual([2, 0]);
    expect(
      applyRetention(
        [a, b, { ...a, id: 0, startedAt: a.startedAt - 7 * DAY }],
        p,
        b.startedAt,
        'Europe/Berlin',
      )
        .filter((x) => x.keep)
        .map((x) => x.id),
    ).toEqual([2, 1]);
  });
});

describe('the oldest backup', () => {
  it('says once that it is the oldest, naming every rule with room', () => {
    const t = Date.parse('2026-03-10T08:00:00Z');
    const list = [0, 1, 2].map((m) => ({ id: m + 1, startedAt: t + m * 60_000, pinned: false, note: null }));
    const d = applyRetention(list, rules, t + 2 * 60_000, 'UTC');
    expect(d.map((x) => x.reasons)).toEqual([
      [
        'newest backup',
        'newest of 2026-03-10, 1st of the 7 daily',
        'newest of the week of 2026-03-09, 1st of the 4 weekly',
        'newest of 2026-03, 1st of the 12 monthly',
      ],
      [],
      ['oldest backup, kept while the daily, weekly and monthly rules have room'],
    ]);
  });
});

/** Backups made by hand with a note, at these instants (ISO), ids in order. */
function noted(...at: string[]): RetentionInput[] {
  return at.map((iso, i) => ({
    id: i + 1,
    startedAt: Date.parse(iso),
    pinned: false,
    note: 'before the OS upgrade',
    manual: true,
  }));
}

const keptIds = (d: { id: number; keep: boolean }[]) =>
  d
    .filter((x) => x.keep)
    .map((x) => x.id)
    .sort();

describe('what people made on purpose (issue 15, item 11)', () => {
  const defaults = { ...rules, keepWithinHours: 24, keepNotedDays: 30 };

  it('keeps three noted backups made by hand seconds apart, which the daily rule alone prunes', () => {
    const three = noted('2026-05-04T10:00:00Z', '2026-05-04T10:00:05Z', '2026-05-04T10:00:10Z');
    const now = Date.parse('2026-05-04T10:00:11Z');
    // The count rules alone (the old behaviour): the middle one is gone.
    expect(keptIds(applyRetention(three, rules, now, 'UTC'))).toEqual([1, 3]);
    const d = applyRetention(three, defaults, now, 'UTC');
    expect(keptIds(d)).toEqual([1, 2, 3]);
    expect(d.find((x) => x.id === 2)!.reasons).toEqual([
      'made in the last 24 hours',
      'made by hand with a note, kept 30 days (through 2026-06-03): before the OS upgrade',
    ]);
    // With keep-within off, the note alone keeps it.
    expect(applyRetention(three, { ...defaults, keepWithinHours: 0 }, now, 'UTC')[1]!.reasons).toEqual([
      'made by hand with a note, kept 30 days (through 2026-06-03): before the OS upgrade',
    ]);
  });

  it('keeps a note only for backups made by hand, and does not say a pin note twice', () => {
    const [a, b, c, last] = noted(
      '2026-05-04T10:00:00Z',
      '2026-05-04T10:00:05Z',
      '2026-05-04T10:00:10Z',
      '2026-05-04T10:00:15Z',
    );
    const policy = { ...defaults, keepWithinHours: 0 };
    const d = applyRetention(
      [a!, { ...b!, manual: false }, { ...c!, pinned: true }, last!],
      policy,
      Date.parse('2026-05-05T00:00:00Z'),
      'UTC',
    );
    expect(d.find((x) => x.id === 2)!.keep).toBe(false); // a note the schedule or a restore wrote
    expect(d.find((x) => x.id === 3)!.reasons).toEqual([
      'pinned: before the OS upgrade',
      'made by hand with a note, kept 30 days (through 2026-06-03)',
    ]);
  });

  it('keeps every backup of the last 24 real hours across the spring daylight-saving change, at 00:30', () => {
    // Berlin: 2026-03-29 02:00 CET became 03:00 CEST, a 23-hour day. Now is 00:30 on March 30.
    const now = Date.parse('2026-03-29T22:30:00Z'); // 00:30 CEST
    const list = [
      { id: 1, startedAt: Date.parse('2026-03-28T22:45:00Z'), pinned: false, note: null }, // 23:45 CET: 23h45 ago
      { id: 2, startedAt: Date.parse('2026-03-28T23:15:00Z'), pinned: false, note: null }, // 00:15 CET: 23h15 ago
      { id: 3, startedAt: Date.parse('2026-03-29T10:00:00Z'), pinned: false, note: null },
      { id: 4, startedAt: Date.parse('2026-03-29T22:20:00Z'), pinned: false, note: null }, // 00:20 CEST, today
      { id: 5, startedAt: Date.parse('2026-03-28T22:15:00Z'), pinned: false, note: null }, // 24h15 ago
      { id: 6, startedAt: Date.parse('2026-03-28T22:00:00Z'), pinned: false, note: null }, // 24h30 ago
    ];
    const p = { ...defaults, keepDaily: 1, keepWeekly: 0, keepMonthly: 0 };
    const d = applyRetention(list, p, now, 'Europe/Berlin');
    // By the wall clock, 00:15 on March 29 is 24h15 before now; in real time it is 23h15: kept.
    expect(keptIds(d)).toEqual([1, 2, 3, 4]);
    expect(d.find((x) => x.id === 2)!.reasons).toEqual(['made in the last 24 hours']);
    // The daily rule reads the local day: 00:20 CEST on March 30 is today's newest, not March 29's.
    expect(d.find((x) => x.id === 4)!.reasons).toEqual([
      'newest backup',
      'made in the last 24 hours',
      'newest of 2026-03-30 (keep-daily 1)',
    ]);
    expect(d.find((x) => x.id === 5)!.keep).toBe(false);
    expect(d.find((x) => x.id === 6)!.keep).toBe(false); // the daily rule's one day is used up
  });

  it('counts 24 real hours across the autumn change too, at 00:30', () => {
    // Berlin: 2026-10-25 03:00 CEST became 02:00 CET, a 25-hour day. Now is 00:30 CET on October 26.
    const now = Date.parse('2026-10-25T23:30:00Z');
    const list = [
      { id: 1, startedAt: Date.parse('2026-10-24T22:45:00Z'), pinned: false, note: null }, // 00:45 CEST: 24h45 ago
      { id: 2, startedAt: Date.parse('2026-10-24T23:45:00Z'), pinned: false, note: null }, // 01:45 CEST: 23h45 ago
      { id: 3, startedAt: Date.parse('2026-10-25T23:20:00Z'), pinned: false, note: null }, // 00:20 CET, today
      { id: 4, startedAt: Date.parse('2026-10-20T10:00:00Z'), pinned: false, note: null }, // days before
    ];
    const d = applyRetention(
      list,
      { ...defaults, keepDaily: 1, keepWeekly: 0, keepMonthly: 0 },
      now,
      'Europe/Berlin',
    );
    // By the wall clock 00:45 on October 25 is 23h45 before now; in real time it is 24h45: not kept.
    expect(keptIds(d)).toEqual([2, 3]);
  });

  it('keeps a noted backup through the 30th local day after it, also where UTC is on another date', () => {
    // Kiritimati is UTC+14: 2026-01-01 00:10 there is 2025-12-31 10:10 UTC.
    const tz = 'Pacific/Kiritimati';
    const [early, late, newest] = noted(
      '2025-12-31T10:10:00Z',
      '2025-12-31T09:00:00Z',
      '2026-02-20T00:00:00Z',
    );
    const list = [
      { ...early!, id: 1 },
      { ...late!, id: 2 },
      { ...newest!, id: 3, note: null },
    ];
    const p = { ...defaults, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepLast: 1 };
    // 00:30 on January 31 there: the backup of 00:10 January 1 is in its 30th day; the one of 23:00
    // December 31 (local) is past its 30 days.
    const at = (iso: string) => keptIds(applyRetention(list, p, Date.parse(iso), tz));
    expect(at('2026-01-30T10:30:00Z')).toEqual([1, 3]);
    expect(applyRetention(list, p, Date.parse('2026-01-30T10:30:00Z'), tz)[1]!.reasons).toEqual([
      'made by hand with a note, kept 30 days (through 2026-01-31): before the OS upgrade',
    ]);
    // 23:59 on January 31 there: still kept; 00:30 on February 1: released to the count rules.
    expect(at('2026-01-31T09:59:00Z')).toEqual([1, 3]);
    expect(at('2026-01-31T10:30:00Z')).toEqual([3]);
  });
});
