// Component tests never read the wall clock: Date is fixed at one hostile local moment, 00:30 on the day
// daylight saving starts in the United States (the web tests run in America/New_York, vitest.config.ts),
// so "3 hours ago" is yesterday and the day has 23 hours. `npm test` runs them again in far-off zones,
// where it is still 00:30 local. Timers stay real.
import { afterEach, beforeEach, vi } from 'vitest';

/** The moment every component test runs at (local time): 2026-03-08 00:30. */
export const TEST_NOW = new Date(2026, 2, 8, 0, 30, 0).getTime();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: TEST_NOW });
});

afterEach(() => {
  vi.useRealTimers();
});
