// Issue 16 item 5: connecting without Google Cloud. A build made with CAIRN_GOOGLE_CLIENT_ID/SECRET in its
// environment carries that OAuth client, and `cairn drive connect`/`status` use it with no client set at
// run time; the client ID (never the secret) goes into plan.json on Drive, and a copy of Cairn signing in as
// another client is told that rebuilding from Drive needs the same one. Real builds, real CLI processes,
// the Drive emulator in its own process.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriveImportResult } from '../electron/engine/drive/pack/importDrive';
import type { DriveStatusView } from '../electron/engine/drive/pack/status';
import { spawnEmulator, type SpawnedEmulator } from './drive-emulator/spawn';
import { cairn, cairnJson } from './helpers/cli';
import { connectNoBrowser } from './helpers/cliDrive';
import { tempDir } from './helpers/tmp';

const ROOT = path.resolve(__dirname, '..');
let emu: SpawnedEmulator;
let builtDir: string;
let builtCli: string;
/** The emulator's endpoints and a refresh token, but no OAuth client (the run-time one is left unset). */
let noClientEnv: Record<string, string>;

beforeAll(async () => {
  emu = await spawnEmulator();
  // Inside the repository, so the bundle's imports find node_modules.
  fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  builtDir = fs.mkdtempSync(path.join(ROOT, 'test-results', 'cli-embedded-'));
  execFileSync(process.execPath, ['scripts/build.mjs', '--cli-out', builtDir], {
    cwd: ROOT,
    env: {
      ...process.env,
      CAIRN_GOOGLE_CLIENT_ID: emu.clientId,
      CAIRN_GOOGLE_CLIENT_SECRET: emu.clientSecret,
    },
  });
  builtCli = path.join(builtDir, 'cli.mjs');
  noClientEnv = { ...emu.env, CAIRN_GOOGLE_CLIENT_ID: '', CAIRN_GOOGLE_CLIENT_SECRET: '' };
}, 120_000);

afterAll(async () => {
  await emu?.stop();
  if (builtDir) fs.rmSync(builtDir, { recursive: true, force: true });
});

/** Runs the embedded-client build as `cairn --json ARGS`. */
function builtJson<T>(args: string[], dataDir: string, env: Record<string, string> = noClientEnv) {
  const r = execFile(builtCli, ['--json', ...args], dataDir, env);
  return { ...r, value: JSON.parse(r.stdout) as T };
}

function execFile(cli: string, args: string[], dataDir: string, env: Record<string, string>) {
  try {
    const stdout = execFileSync(process.execPath, [cli, ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env, CAIRN_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const x = e as { status: number; stdout: string; stderr: string };
    return { code: x.status, stdout: x.stdout, stderr: x.stderr };
  }
}

/** The emulator's state; a keep-alive socket the emulator closed fails once, so it asks again. */
async function stateOnce() {
  return emu.state().catch(() => emu.state());
}

/** Everything the build wrote for the app and the CLI, as one string (not the bench, which holds the emulator). */
function bundleText(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.[cm]js$/.test(e.name) && e.name !== 'bench.mjs')
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

describe('the OAuth client built into Cairn', () => {
  it('is in a bundle built with CAIRN_GOOGLE_CLIENT_ID set, and in none built without', () => {
    expect(bundleText(builtDir)).toContain(emu.clientId);
    expect(bundleText(path.join(ROOT, 'dist'))).not.toContain(emu.clientId);
  });

  it('connects and answers drive status with no client set at run time', () => {
    const dataDir = path.join(tempDir('cairn-embedded-'), 'data');
    const st = builtJson<DriveStatusView>(['drive', 'status'], dataDir);
    expect(st.code, st.stderr).toBe(0);
    expect(st.value.connected).toBe(true);
    expect(st.value.client).toEqual({ id: emu.clientId, source: 'built-in' });
    // The same command from a build without a client: the steps, not an error.
    const plain = cairnJson<DriveStatusView>(['drive', 'status'], { dataDir, env: noClientEnv });
    expect(plain.code).toBe(2);
    expect(plain.value).toMatchObject({ connected: false, configured: false, client: null, lastError: null });
    const text = cairn(['drive', 'status'], { dataDir, env: noClientEnv });
    expect(text.stdout).toMatch(
      /OAuth client none: .*console\.cloud\.google\.com.*--client-id ID --client-secret/,
    );
    // A client set at run time wins over the built-in one.
    const own = builtJson<DriveStatusView>(['drive', 'status'], dataDir, {
      ...noClientEnv,
      CAIRN_GOOGLE_CLIENT_ID: 'my-own.apps.googleusercontent.com',
      CAIRN_GOOGLE_CLIENT_SECRET: 'my-secret',
    });
    expect(own.value.client).toEqual({ id: 'my-own.apps.googleusercontent.com', source: 'environment' });
  });

  it('signs in with drive connect --no-browser as the built-in client', async () => {
    const dataDir = path.join(tempDir('cairn-embedded-'), 'data');
    const { CAIRN_DRIVE_REFRESH_TOKEN: _t, ...env } = noClientEnv;
    const { url, code, out, err } = await connectNoBrowser(builtCli, env, dataDir);
    expect(new URL(url).searchParams.get('client_id')).toBe(emu.clientId);
    expect(code, err).toBe(0);
    expect(out).toMatch(/Connected to Google Drive as \S+@/);
    const st = builtJson<DriveStatusView>(['drive', 'status'], dataDir, env);
    expect(st.value.connected).toBe(true);
  });

  it('keeps the client ID on Drive; import names it; another client is told it needs the same one', async () => {
    const root = tempDir('cairn-embedded-');
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'hello\n');
    const dataDir = path.join(root, 'data');
    const run = (args: string[]) => execFile(builtCli, args, dataDir, noClientEnv);
    expect(run(['plan', 'add', 'clientplan', '--source', src, '--dest', path.join(root, 'dest')]).code).toBe(
      0,
    );
    expect(run(['backup', 'clientplan']).code).toBe(0);
    const pushed = run(['drive', 'push', 'clientplan']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const planJson = (await stateOnce()).files.filter((f) => f.name === 'plan.json' && !f.trashed);
    const texts = planJson.map((f) => fs.readFileSync(path.join(emu.dir, 'blobs', f.id), 'utf8'));
    const mine = texts.map((t) => JSON.parse(t) as { sources: { path: string }[]; oauthClientId?: string });
    const json = mine.find((j) => j.sources[0]!.path === src)!;
    expect(json.oauthClientId).toBe(emu.clientId);
    expect(texts.join('')).not.toContain(emu.clientSecret);
    // The status of the same catalog, from a copy of Cairn with another OAuth client.
    const other = cairnJson<DriveStatusView>(['drive', 'status'], {
      dataDir,
      env: { ...noClientEnv, CAIRN_GOOGLE_CLIENT_ID: 'other.apps', CAIRN_GOOGLE_CLIENT_SECRET: 's' },
    });
    expect(other.value.madeWithClient).toBe(emu.clientId);
    expect(other.value.clientWarning).toMatch(/rebuilding from Drive needs the same OAuth client/);
    const same = builtJson<DriveStatusView>(['drive', 'status'], dataDir);
    expect(same.value).toMatchObject({ madeWithClient: emu.clientId, clientWarning: null });
    // A new machine: import says which client made the backups, and remembers it.
    const fresh = path.join(root, 'fresh');
    const imp = builtJson<DriveImportResult>(['drive', 'import'], fresh);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.value.plans).toEqual([
      expect.objectContaining({ planName: 'clientplan', madeWithClient: emu.clientId, clientWarning: null }),
    ]);
    expect(execFile(builtCli, ['drive', 'import'], fresh, noClientEnv).stdout).toContain(
      `made with the OAuth client ${emu.clientId}`,
    );
    expect(builtJson<DriveStatusView>(['drive', 'status'], fresh).value.madeWithClient).toBe(emu.clientId);
  });
});
