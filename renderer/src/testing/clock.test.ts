import { describe, expect, it } from 'vitest';

describe('the fixed clock of the web tests', () => {
  it('is 00:30 local; in New York (where `vitest` runs them) that day has 23 hours', () => {
    const now = new Date();
    expect([now.getHours(), now.getMinutes()]).toEqual([0, 30]);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(zone).not.toBe('UTC');
    const day = new Date(2026, 2, 9).getTime() - new Date(2026, 2, 8).getTime();
    expect(day).toBe(zone === 'America/New_York' ? 23 * 3600_000 : 24 * 3600_000);
  });
});
