import { describe, expect, it } from 'vitest';
import { applyRetention, isoWeek, type RetentionInput } from './policy';

const DAY = 86_400_000;
const rules = { keepLast: 0, keepDaily: 7, keepWeekly: 4, keepMonthly: 12, keepYearly: 0 };

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
  for (const d of applyRetention(list, policy, tz)) if (d.keep) out.set(day(byId.get(d.id)!), d.reasons);
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
    expect(k.get('2026-02-04')).toEqual(['latest', 'daily 1 of 7', 'weekly 1 of 4', 'monthly 1 of 12']);
    expect(k.get('2026-02-02')).toEqual(['daily 3 of 7']);
    expect(k.get('2026-02-01')).toEqual(['daily 4 of 7', 'weekly 2 of 4']);
    expect(k.get('2026-01-31')).toEqual(['daily 5 of 7', 'monthly 2 of 12']);
    expect(k.get('2026-01-18')).toEqual(['weekly 4 of 4']);
    expect(k.get('2025-03-31')).toEqual(['monthly 12 of 12']);
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
    expect(k.get('2025-01-31')).toEqual(['monthly 14 of 24']);
    expect(k.get('2025-01-01')).toEqual(['oldest, monthly 15 of 24']);
  });

  it('keep-last counts backups, not days, and yearly keeps the newest of each year', () => {
    const k = kept(list, { keepLast: 3, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 5 });
    expect([...k.keys()].sort()).toEqual([
      '2025-01-01',
      '2025-12-31',
      '2026-02-02',
      '2026-02-03',
      '2026-02-04',
    ]);
    expect(k.get('2025-12-31')).toEqual(['yearly 2 of 5']);
    expect(k.get('2025-01-01')).toEqual(['oldest, yearly 3 of 5']);
  });

  it('several backups a day: daily keeps only the newest of each day, the newest is always kept', () => {
    const t = Date.parse('2026-03-10T08:00:00Z');
    const list2 = [0, 1, 2, 24, 25].map((h, i) => ({
      id: i + 1,
      startedAt: t + h * 3_600_000,
      pinned: false,
      note: null,
    }));
    const d = applyRetention(list2, { ...rules, keepDaily: 1, keepWeekly: 0, keepMonthly: 0 }, 'UTC');
    expect(d.map((x) => [x.id, x.keep])).toEqual([
      [5, true],
      [4, false],
      [3, false],
      [2, false],
      [1, false],
    ]);
    const none = applyRetention(list2, {
      keepLast: 0,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
    });
    expect(none.every((x) => x.keep)).toBe(true);
  });

  it('reads days in the given time zone', () => {
    // 23:30 UTC on Mar 1 is already Mar 2 in Berlin: two backups, two different days there, one in UTC.
    const a = { id: 1, startedAt: Date.parse('2026-03-01T12:00:00Z'), pinned: false, note: null };
    const b = { id: 2, startedAt: Date.parse('2026-03-01T23:30:00Z'), pinned: false, note: null };
    const p = { ...rules, keepDaily: 2, keepWeekly: 0, keepMonthly: 0 };
    expect(
      applyRetention([a, b, { ...a, id: 0, startedAt: a.startedAt - 7 * DAY }], p, 'UTC')
        .filter((x) => x.keep)
        .map((x) => x.id),
    ).toEqual([2, 0]);
    expect(
      applyRetention([a, b, { ...a, id: 0, startedAt: a.startedAt - 7 * DAY }], p, 'Europe/Berlin')
        .filter((x) => x.keep)
        .map((x) => x.id),
    ).toEqual([2, 1]);
  });
});
