// Component tests never read the wall clock: Date is fixed at one local moment (midday, so "3 hours ago"
// is today), whatever the hour and time zone `npm test` runs in. Timers stay real.
import { afterEach, beforeEach, vi } from 'vitest';

/** The moment every component test runs at (local time). */
export const TEST_NOW = new Date(2026, 10, 23, 12, 30, 0).getTime();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: TEST_NOW });
});

afterEach(() => {
  vi.useRealTimers();
});
