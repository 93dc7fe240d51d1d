// The set-up every end-to-end test file shares: a real `cairn serve` on a temp data folder, Debian Chromium
// held to the desktop app's Content-Security-Policy, calls to the server's API, and backups made through it.
import { afterAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/security';
import { call, serve, type Served } from '../serve-client';
import { openBrowser, type OpenBrowser } from './browser';

export interface E2e {
  /** Starts `cairn serve` on `dataDir` (with `env` added to its environment). */
  serve(dataDir: string, env?: NodeJS.ProcessEnv): Promise<Served>;
  /** Opens Chromium under the desktop app's policy; `timeout` is the page's default wait, in ms. */
  open(timeout: number): Promise<OpenBrowser>;
  /** Both of the above. */
  start(dataDir: string, timeout: number, env?: NodeJS.ProcessEnv): Promise<Started>;
  /** Calls an API method and returns its value; the reply must be ok. */
  api<T>(method: string, input?: unknown): Promise<T>;
  /** The stamps of a plan's kept backups, newest first. */
  stamps(plan?: string): Promise<string[]>;
  /** Waits until the plan lists `count` backups and no run is left (a backup's after-steps included). */
  settle(count: number, plan?: string): Promise<void>;
  /** Backs up now through the API, waits as settle does for the new backup, and returns its stamp. */
  backUp(extra?: { note?: string; pin?: boolean }, plan?: string): Promise<string>;
}

export interface Started {
  served: Served;
  browser: OpenBrowser;
  page: Page;
  /** The server's address: http://127.0.0.1:<port>. */
  base: string;
}

/** Waits until `ok` holds, for a minute at most (expect.poll cannot run in beforeAll). */
async function until(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waited a minute for ${what}`);
}

/** Call at the top of a test file: what it starts is closed after the file's tests. */
export function e2e(): E2e {
  let served: Served | undefined;
  let browser: OpenBrowser | undefined;
  afterAll(async () => {
    await browser?.close();
    served?.proc.kill('SIGTERM');
    await served?.exited;
  });

  const self: E2e = {
    serve: async (dataDir, env = {}) => (served = await serve(dataDir, env)),
    open: async (timeout) => {
      browser = await openBrowser(CONTENT_SECURITY_POLICY);
      browser.page.setDefaultTimeout(timeout);
      return browser;
    },
    start: async (dataDir, timeout, env) => {
      const s = await self.serve(dataDir, env);
      const b = await self.open(timeout);
      return { served: s, browser: b, page: b.page, base: `http://127.0.0.1:${s.port}` };
    },
    api: async <T>(method: string, input: unknown = {}) => {
      const r = JSON.parse((await call(served!, method, input)).body) as { ok: boolean; value: T };
      expect(r.ok, JSON.stringify(r)).toBe(true);
      return r.value;
    },
    stamps: async (plan = 'docs') =>
      (await self.api<{ backups: { stamp: string }[] }>('backupList', { plan })).backups.map((b) => b.stamp),
    settle: async (count, plan = 'docs') => {
      await until(async () => (await self.stamps(plan)).length === count, `backup ${count} of ${plan}`);
      await until(async () => (await self.api<unknown[]>('runList')).length === 0, 'the run to end');
    },
    backUp: async (extra = {}, plan = 'docs') => {
      const before = (await self.stamps(plan)).length;
      await self.api('runNow', { plan, ...extra });
      await self.settle(before + 1, plan);
      return (await self.stamps(plan))[0]!;
    },
  };
  return self;
}
