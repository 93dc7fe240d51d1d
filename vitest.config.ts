import { defineConfig } from 'vitest/config';

// Node tests (engine, CLI, server, end to end) and browser-like component tests (jsdom), run together.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
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
          testTimeout: 30_000,
        },
      },
    ],
  },
});
