import { describe, expect, it } from 'vitest';
import { parseCron } from './cronExpr';
import { nextRun, nextRuns, previousRun } from './nextRun';

const Z = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('nextRun', () => {
  it.each([
    // schedule, timezone, after, expected next (UTC)
    ['0 2 * * *', 'Europe/Berlin', '2026-11-23T00:00:00Z', '2026-11-23T01:00:00.000Z'],
    ['0 2 * * *', 'Europe/Berlin', '2026-11-23T01:00:00Z', '2026-11-24T01:00:00.000Z'],
    ['0 2 * * *', 'UTC', '2026-11-23T02:00:00Z', '2026-11-24T02:00:00.000Z'],
    // Berlin springs forward on 2026-03-29 at 02:00: 02:30 does not exist that day and runs at 03:30 CEST.
    ['30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', '2026-03-29T01:30:00.000Z'],
    ['30 2 * * *', 'Europe/Berlin', '2026-03-29T01:30:00Z', '2026-03-30T00:30:00.000Z'],
    // Berlin falls back on 2026-10-25 at 03:00: 02:30 happens twice; the first one runs, once.
    ['30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-25T00:30:00.000Z'],
    ['30 2 * * *', 'Europe/Berlin', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00.000Z'],
    // New York springs forward on 2026-03-08 at 02:00 and falls back on 2026-11-01 at 02:00.
    ['30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', '2026-03-08T07:30:00.000Z'],
    ['30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', '2026-11-01T05:30:00.000Z'],
    ['30 1 * * *', 'America/New_York', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00.000Z'],
    // Weekly on Sunday at 03:30, names and seconds.
    ['30 3 * * sun', 'Europe/Berlin', '2026-11-23T12:00:00Z', '2026-11-29T02:30:00.000Z'],
    ['15 0 9 * * MON-FRI', 'UTC', '2026-11-28T00:00:00Z', '2026-11-30T09:00:15.000Z'],
    ['0 0 29 2 *', 'UTC', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('%s in %s after %s is %s', (schedule, tz, after, expected) => {
    expect(iso(nextRun(schedule, tz, Z(after)))).toBe(expected);
  });

  it('gives null for an expression it cannot use', () => {
    expect(nextRun('every day', 'UTC', 0)).toBeNull();
    expect(nextRun('61 * * * *', 'UTC', 0)).toBeNull();
    expect(() => parseCron('* * *')).toThrow(/5 or 6 fields/);
  });

  it('runs every 15 minutes through the repeated hour in New York without going back in time', () => {
    const runs = nextRuns('*/15 * * * *', 'America/New_York', Z('2026-11-01T04:50:00Z'), 12);
    for (let i = 1; i < runs.length; i++) expect(runs[i]! - runs[i - 1]!).toBeGreaterThan(0);
    expect(new Set(runs).size).toBe(runs.length);
    expect(iso(runs[0]!)).toBe('2026-11-01T05:00:00.000Z');
  });

  it('finds the previous run, the mirror of the next one', () => {
    expect(iso(previousRun('0 2 * * *', 'Europe/Berlin', Z('2026-11-23T08:00:00Z')))).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    expect(iso(previousRun('0 2 * * *', 'Europe/Berlin', Z('2026-11-23T01:00:00Z')))).toBe(
      '2026-11-23T01:00:00.000Z',
    );
    expect(iso(previousRun('0 2 * * *', 'Europe/Berlin', Z('2026-11-23T00:59:59Z')))).toBe(
      '2026-11-22T01:00:00.000Z',
    );
  });
});
