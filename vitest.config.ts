import { defineConfig } from 'vitest/config';

const node = { environment: 'node', pool: 'forks' } as const;

// Three projects, run together: "unit" (plain Node tests beside the code, fast), "integration" (test/:
// real processes, Drive emulator, Chromium end to end; slow) and "web" (components under jsdom).
// `npm test` runs "unit" and "web" once more in two far-apart time zones (scripts/test.mjs).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...node,
          name: 'unit',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          ...node,
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Tests spawn the real `cairn` (dist/cli.mjs): build once before any test file runs.
          globalSetup: ['test/globalSetup.ts'],
        },
      },
      {
        test: {
          name: 'web',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/src/testing/clock.ts'],
          // A zone with daylight saving, where the fixed clock (testing/clock.ts) is on a change day;
          // `npm test` runs these again in CAIRN_TEST_TZ.
          env: { TZ: process.env.CAIRN_TEST_TZ ?? 'America/New_York' },
          testTimeout: 30_000,
        },
      },
    ],
  },
});
