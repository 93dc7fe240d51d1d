import { describe, expect, it } from 'vitest';
import { catchUp } from './catchUp';

const Z = (iso: string) => Date.parse(iso);
const LONG_AGO = Z('2025-01-01T00:00:00Z');

describe('catchUp: one run for whatever was missed, never two for one scheduled time', () => {
  it.each([
    // case, schedule, timezone, lastRun, now, due, missed
    [
      'on time: ran at 02:00, now 01:00 next day',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-22T01:00:02Z',
      '2026-11-23T00:00:00Z',
      false,
      null,
    ],
    ['just ran', '0 2 * * *', 'Europe/Berlin', '2026-11-23T01:00:01Z', '2026-11-23T01:05:00Z', false, null],
    [
      'missed one day (switched off at night)',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-22T01:00:02Z',
      '2026-11-23T07:00:00Z',
      true,
      '2026-11-23T01:00:00.000Z',
    ],
    [
      'missed a week: one run',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-16T01:00:02Z',
      '2026-11-23T07:00:00Z',
      true,
      '2026-11-23T01:00:00.000Z',
    ],
    [
      'asleep at the minute, woke 10 minutes later',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-22T01:00:05Z',
      '2026-11-23T01:10:00Z',
      true,
      '2026-11-23T01:00:00.000Z',
    ],
    [
      'a manual run after the missed time counts',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-23T06:00:00Z',
      '2026-11-23T07:00:00Z',
      false,
      null,
    ],
    [
      'DST forward Berlin: 02:30 skipped, caught up after 03:30',
      '30 2 * * *',
      'Europe/Berlin',
      '2026-03-28T01:30:01Z',
      '2026-03-29T01:45:00Z',
      true,
      '2026-03-29T01:30:00.000Z',
    ],
    [
      'DST forward Berlin: not yet due at 03:20 CEST',
      '30 2 * * *',
      'Europe/Berlin',
      '2026-03-28T01:30:01Z',
      '2026-03-29T01:20:00Z',
      false,
      null,
    ],
    [
      'DST back Berlin: the repeated 02:30 does not run twice',
      '30 2 * * *',
      'Europe/Berlin',
      '2026-10-25T00:30:01Z',
      '2026-10-25T01:45:00Z',
      false,
      null,
    ],
    [
      'DST forward New York: missed while asleep',
      '30 2 * * *',
      'America/New_York',
      '2026-03-07T07:30:01Z',
      '2026-03-08T12:00:00Z',
      true,
      '2026-03-08T07:30:00.000Z',
    ],
    [
      'DST back New York: the repeated 01:30 does not run twice',
      '30 1 * * *',
      'America/New_York',
      '2026-11-01T05:30:01Z',
      '2026-11-01T06:45:00Z',
      false,
      null,
    ],
    [
      'weekly: missed last Sunday',
      '30 3 * * 0',
      'Europe/Berlin',
      '2026-11-15T02:30:01Z',
      '2026-11-23T08:00:00Z',
      true,
      '2026-11-22T02:30:00.000Z',
    ],
    [
      'weekly: ran last Sunday',
      '30 3 * * 0',
      'Europe/Berlin',
      '2026-11-22T02:30:01Z',
      '2026-11-23T08:00:00Z',
      false,
      null,
    ],
    // Flew from Berlin to New York: local 02:00 came again after the last run, so one more run, once.
    [
      'timezone change westward',
      '0 2 * * *',
      'America/New_York',
      '2026-11-23T01:00:02Z',
      '2026-11-23T15:00:00Z',
      true,
      '2026-11-23T07:00:00.000Z',
    ],
    [
      'timezone change westward, after the extra run',
      '0 2 * * *',
      'America/New_York',
      '2026-11-23T07:00:02Z',
      '2026-11-23T15:00:00Z',
      false,
      null,
    ],
    // Flew from New York to Berlin: Berlin's 02:00 of that day was before the last run; nothing owed.
    [
      'timezone change eastward',
      '0 2 * * *',
      'Europe/Berlin',
      '2026-11-23T07:00:02Z',
      '2026-11-23T13:00:00Z',
      false,
      null,
    ],
  ])('%s', (_case, schedule, timezone, lastRun, now, due, missed) => {
    const d = catchUp({ schedule, timezone, lastRun: Z(lastRun), since: LONG_AGO, now: Z(now) });
    expect(d.due).toBe(due);
    expect(d.missed === null ? null : new Date(d.missed).toISOString()).toBe(missed);
  });

  it('owes nothing from before the plan existed, and one run once a scheduled time passed since', () => {
    const base = { schedule: '0 2 * * *', timezone: 'UTC', lastRun: null };
    expect(catchUp({ ...base, since: Z('2026-11-23T09:00:00Z'), now: Z('2026-11-23T09:30:00Z') }).due).toBe(
      false,
    );
    expect(catchUp({ ...base, since: Z('2026-11-22T15:00:00Z'), now: Z('2026-11-23T09:00:00Z') }).due).toBe(
      true,
    );
  });

  it('owes nothing for an expression it cannot read', () => {
    expect(
      catchUp({ schedule: 'nonsense', timezone: 'UTC', lastRun: null, since: 0, now: Date.now() }).due,
    ).toBe(false);
  });
});
