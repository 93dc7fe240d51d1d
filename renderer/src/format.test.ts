import { describe, expect, it } from 'vitest';
import {
  backupLabel,
  bytes,
  counted,
  duration,
  ordinal,
  readable,
  relative,
  stampText,
  when,
} from './format';

describe('format', () => {
  it('says when in words: "today 02:10, 3 hours ago"', () => {
    const now = new Date(2026, 10, 23, 5, 10).getTime();
    expect(when(new Date(2026, 10, 23, 2, 10).getTime(), now)).toBe('today 02:10, 3 hours ago');
    expect(when(new Date(2026, 10, 22, 23, 0).getTime(), now)).toBe('yesterday 23:00, 6 hours ago');
    expect(when(new Date(2026, 10, 24, 2, 0).getTime(), now)).toBe('tomorrow 02:00, in 21 hours');
    expect(relative(now - 10_000, now)).toBe('just now');
  });

  it('writes sizes, stamps and durations', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(stampText('2026-11-23_021000')).toBe('2026-11-23 02:10:00');
    expect(duration(3725)).toBe('1 h 2 min');
  });
});

describe('words for lists and logs', () => {
  it('labels a backup to the minute, and to the second when another falls in the same minute', () => {
    const a = { stamp: '2026-11-23_021005' };
    const b = { stamp: '2026-11-23_021040' };
    const c = { stamp: '2026-11-23_030000' };
    const all = [a, b, c];
    expect(backupLabel(a, all)).toBe('2026-11-23 02:10:05');
    expect(backupLabel(b, all)).toBe('2026-11-23 02:10:40');
    expect(backupLabel(c, all)).toBe('2026-11-23 03:00');
    expect(backupLabel(a, [a, c])).toBe('2026-11-23 02:10');
  });

  it('counts with the right plural', () => {
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(12345, 'entry', 'entries')).toBe('12,345 entries');
    expect(counted(0, 'file')).toBe('0 files');
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 112].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
      '112th',
    ]);
  });

  it('writes the raw figures of a log message in words', () => {
    expect(
      readable('Backup 2026-11-23_021000 completed: 7264 files, 12 new or changed (116445950 bytes)'),
    ).toBe('Backup 2026-11-23_021000 completed: 7,264 files, 12 new or changed (111 MB)');
    expect(readable('Pruned 3 backups')).toBe('Pruned 3 backups');
  });
});
