import { describe, expect, it } from 'vitest';
import { cronToPreset, parseHhmm, presetToCron, switchPreset, type SchedulePreset } from './schedulePreset';

describe('schedule presets', () => {
  const cases: [SchedulePreset, string][] = [
    [{ kind: 'hourly', minute: 0 }, '0 * * * *'],
    [{ kind: 'hourly', minute: 15 }, '15 * * * *'],
    [{ kind: 'hours', every: 6, minute: 30 }, '30 */6 * * *'],
    [{ kind: 'daily', hour: 2, minute: 0 }, '0 2 * * *'],
    [{ kind: 'weekly', day: 1, hour: 21, minute: 45 }, '45 21 * * 1'],
  ];

  it.each(cases)('writes %j as "%s" and reads it back', (preset, cron) => {
    expect(presetToCron(preset)).toBe(cron);
    expect(cronToPreset(cron)).toEqual(preset);
  });

  it('reads spellings a person may have typed into the preset they mean', () => {
    expect(cronToPreset(' 05  02 * * * ')).toEqual({ kind: 'daily', hour: 2, minute: 5 });
    expect(cronToPreset('0 9 * * mon')).toEqual({ kind: 'weekly', day: 1, hour: 9, minute: 0 });
    expect(cronToPreset('0 9 * * 7')).toEqual({ kind: 'weekly', day: 0, hour: 9, minute: 0 });
  });

  it('keeps anything no preset writes as advanced, unchanged', () => {
    for (const expr of [
      '*/15 * * * *',
      '0 2 1 * *',
      '0 2 * * 1-5',
      '0 */5 * * *', // not a divisor of 24: the gap over midnight would differ
      '0 2,14 * * *',
      '0 0 2 * * *', // six fields (seconds)
      '0 24 * * *',
      'daily',
    ])
      expect(cronToPreset(expr)).toEqual({ kind: 'cron', expr });
    expect(presetToCron({ kind: 'cron', expr: ' 0 2 1 * * ' })).toBe('0 2 1 * *');
  });

  it('keeps the time of day when switching between presets', () => {
    const daily: SchedulePreset = { kind: 'daily', hour: 21, minute: 30 };
    expect(switchPreset(daily, 'weekly')).toEqual({ kind: 'weekly', day: 1, hour: 21, minute: 30 });
    expect(switchPreset(daily, 'hours')).toEqual({ kind: 'hours', every: 6, minute: 30 });
    expect(switchPreset(daily, 'cron')).toEqual({ kind: 'cron', expr: '30 21 * * *' });
    expect(switchPreset({ kind: 'cron', expr: 'x' }, 'daily')).toEqual({ kind: 'daily', hour: 2, minute: 0 });
  });

  it('reads a time input', () => {
    expect(parseHhmm('07:05')).toEqual({ hour: 7, minute: 5 });
    expect(parseHhmm('24:00')).toBeNull();
    expect(parseHhmm('')).toBeNull();
  });
});
