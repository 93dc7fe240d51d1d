// The entry points exactly as the README starts them, with no Cairn environment variable and the working
// folder elsewhere: `npm start` in a fresh copy of the project (the Electron binary is absent here, so it
// runs `cairn serve`) and `bin/cairn.mjs serve`. Each printed address opens the real UI in Chromium.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli';
import { tempDir } from '../helpers/tmp';
import { userEnv } from '../helpers/userEnv';
import { openBrowser, screenshot, type OpenBrowser } from './browser';

const REPO = path.resolve(__dirname, '../..');
// With Electron's binary installed `npm start` opens the desktop app, which a headless test cannot see.
const electronInstalled = fs.existsSync(path.join(REPO, 'node_modules', 'electron', 'dist'));

interface Started {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a command in its own process group and waits for the address it prints. */
async function start(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const proc = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no address printed within 90 s:\n${out}`)), 90_000);
    const look = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[0]);
      }
    };
    proc.stdout!.on('data', look);
    void exited.then((code) => reject(new Error(`exited ${code} before printing an address:\n${out}`)));
  });
  return { proc, url, output: () => out, exited };
}

/** SIGTERM to the whole process group (npm, scripts/start.mjs, cairn serve); waits for the first. */
async function stop(s: Started | undefined): Promise<void> {
  if (!s || s.proc.exitCode !== null) return;
  try {
    process.kill(-s.proc.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  await s.exited;
}

/** A fresh copy of the project's files (what a clone holds), sharing this checkout's node_modules. */
function freshCopy(): string {
  const copy = path.join(tempDir('cairn-clone-'), 'cairn');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(REPO, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(copy, f));
  }
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'));
  return copy;
}

let browser: OpenBrowser;
beforeAll(async () => {
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens the address and checks the real UI answered: its first screen, no "not built" page, no errors. */
async function expectRealUi(url: string, shot: string): Promise<void> {
  const { page, problems } = browser;
  problems.length = 0;
  await page.goto(url);
  await page.getByRole('heading', { name: 'Welcome to Cairn' }).waitFor({ timeout: 20_000 });
  expect(await page.getByText('The user interface is not built').count()).toBe(0);
  await screenshot(page, shot);
  expect(problems).toEqual([]);
  // Leave the page before the server stops, so its event stream does not retry into the next test.
  await page.goto('about:blank');
}

describe('the entry points as the README starts them', () => {
  let served: Started | undefined;
  let started: Started | undefined;
  afterAll(async () => {
    await stop(served);
    await stop(started);
  });

  it('bin/cairn.mjs serve, run from another folder, shows the real UI', async () => {
    const home = tempDir('cairn-home-');
    served = await start(process.execPath, [CLI, 'serve'], home, userEnv(home));
    await expectRealUi(served.url, 'entry-serve');
    // The default data folder is the user's (~/.config/Cairn), not the working folder.
    expect(fs.existsSync(path.join(home, '.config', 'Cairn', 'catalog.sqlite'))).toBe(true);
    await stop(served);
    expect(await served.exited).toBe(0);
  });

  it.skipIf(electronInstalled)(
    'npm start in a fresh copy builds, says Electron is absent, and shows the real UI',
    async () => {
      const copy = freshCopy();
      const home = tempDir('cairn-home-');
      started = await start('npm', ['start'], copy, userEnv(home));
      expect(started.output()).toMatch(/The Electron binary is not installed/);
      expect(fs.existsSync(path.join(copy, 'dist', 'renderer', 'index.html'))).toBe(true);
      await expectRealUi(started.url, 'entry-npm-start');
    },
  );
});
