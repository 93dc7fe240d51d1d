import { describe, expect, it } from 'vitest';
import { bytes, duration, relative, stampText, when } from './format';

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
