// Issue #18, "Done when" for rclone over SFTP, through the `cairn` command as a user runs it (bin/cairn.mjs, no
// Cairn environment variable, a fresh home, the working folder elsewhere) against a real OpenSSH server on
// 127.0.0.1 (test/sftp-server, in its own process behind a counting, fault-injecting proxy): first push, a 1 %
// change, kill -9 mid-upload then push again, a dropped connection, prune, verify, and a rebuild of the catalog
// from the remote alone followed by a byte-exact restore, with Cairn and with `rclone copy` + README.txt.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { planLayout } from '../electron/engine/format/layout';
import { CLI } from './helpers/cli';
import { diffFromManifest, manifestEntries, recipeTools, runRecipe } from './helpers/recipe';
import { tempDir } from './helpers/tmp';
import { diffTrees } from './helpers/tree';
import { userEnv } from './helpers/userEnv';
import { spawnSftpServer, type SpawnedSftp } from './sftp-server/spawn';

const FILES = 120;
const FILE_BYTES = 800 * 1024; // 94 MiB in all: twelve 8 MiB packs, so one lost pack is under 10 %

let sftp: SpawnedSftp;
const root = tempDir('cairn-remote-rclone-');
const src = path.join(root, 'docs');
const dest = path.join(root, 'dest');

function user(home: string) {
  const env = userEnv(home);
  delete env.RCLONE_CONFIG;
  const cwd = tempDir('cairn-cwd-');
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd, timeout: 300_000 });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  return { env, cwd, run };
}
const me = user(path.join(root, 'home'));

/** Bytes the store holds under `dir`. */
function bytesUnder(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += fs.statSync(path.join(e.parentPath, e.name)).size;
  return n;
}

interface RemoteItem {
  name: string;
  state: string;
  plans: { plan: string; lastPushBytes: number | null; bytesWaiting: number; backupsOnRemote: number }[];
}

beforeAll(async () => {
  sftp = await spawnSftpServer(tempDir('cairn-sftp-'));
  fs.mkdirSync(src);
  for (let i = 0; i < FILES; i++)
    fs.writeFileSync(path.join(src, `f${String(i).padStart(3, '0')}.bin`), crypto.randomBytes(FILE_BYTES));
});
afterAll(async () => {
  await sftp?.stop();
});

describe('rclone over SFTP through the cairn command', { timeout: 900_000 }, () => {
  const store = () => path.join(sftp.dataDir, 'cairn');
  const remoteArgs = () => ['--rclone', `sftp:${store()}`, '--rclone-config', sftp.configFile];

  it('first push killed with -9 mid-upload, pushed again: at most 1.15x the bytes', async () => {
    expect(me.run(['plan', 'add', 'home', '--source', src, '--dest', dest]).code).toBe(0);
    const backup = me.run(['backup', 'home']);
    expect(backup.code, backup.stderr).toBe(0);
    const add = me.run(['remote', 'add', 'nas', '--plan', 'home', ...remoteArgs()]);
    expect(add.code, add.stderr).toBe(0);

    await sftp.resetCounters();
    const child = spawn(process.execPath, [CLI, 'remote', 'push', 'nas'], {
      env: me.env,
      cwd: me.cwd,
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    onTestFinished(() => void child.kill('SIGKILL'));
    for (let i = 0; i < 600 && (await sftp.state()).received < 40e6; i++)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGKILL');
    await exited;
    const atKill = (await sftp.state()).received;
    expect(atKill).toBeGreaterThan(40e6);
    // rclone children still writing when Cairn died finish on their own (their input ended).
    await new Promise((r) => setTimeout(r, 1500));

    const again = me.run(['remote', 'push', 'nas']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^home: 1 backup\(s\) pushed/);
    const sent = (await sftp.state()).received;
    const held = bytesUnder(store());
    expect(held).toBeGreaterThan(FILES * FILE_BYTES);
    console.log(
      `kill -9 at ${atKill} bytes; both pushes sent ${sent} bytes for ${held} held (${(sent / held).toFixed(3)}x)`,
    );
    expect(sent).toBeLessThanOrEqual(1.15 * held);
  });

  it('a 1 % change pushes about 1 % (bytes uploaded reported), and a dropped connection is retried', async () => {
    // `cairn backup` pushes to the remote by itself afterwards (auto-push), as it does to Drive.
    const nas = () => {
      const r = me.run(['--json', 'remote', 'list']);
      const list = JSON.parse(r.stdout) as RemoteItem[];
      return list.find((x) => x.name === 'nas')!;
    };
    fs.writeFileSync(path.join(src, 'f000.bin'), crypto.randomBytes(FILE_BYTES));
    await sftp.resetCounters();
    const backup = me.run(['backup', 'home']);
    expect(backup.code, backup.stderr).toBe(0);
    const after = nas();
    const reported = after.plans[0]!.lastPushBytes!;
    const received = (await sftp.state()).received;
    console.log(`1 % change: ${reported} bytes reported uploaded, ${received} received by the server`);
    expect(after).toMatchObject({ state: 'ok', plans: [{ backupsOnRemote: 2, bytesWaiting: 0 }] });
    expect(reported).toBeGreaterThan(FILE_BYTES * 0.95);
    expect(reported).toBeLessThan(FILE_BYTES * 1.5);
    expect(received).toBeLessThan(FILES * FILE_BYTES * 0.03);
    expect(me.run(['remote', 'push', 'nas']).stdout).toMatch(/^home: 0 backup\(s\) pushed/);

    fs.writeFileSync(path.join(src, 'f001.bin'), crypto.randomBytes(FILE_BYTES));
    await sftp.drop({ direction: 'up', afterBytes: 400_000, times: 1 });
    expect(me.run(['backup', 'home']).code).toBe(0);
    expect((await sftp.state()).dropped).toBe(1);
    expect(nas()).toMatchObject({ state: 'ok', plans: [{ backupsOnRemote: 3, bytesWaiting: 0 }] });
    await sftp.clearFaults();
  });

  it('verify says intact, prune runs, and a new machine rebuilds its catalog from the remote alone and restores byte for byte', async () => {
    const verify = me.run(['remote', 'verify', 'nas']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^home on nas: intact/);
    const prune = me.run(['remote', 'prune', 'nas']);
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toMatch(/^home on nas/);

    const other = user(path.join(root, 'home2'));
    const add = other.run(['remote', 'add', 'nas', ...remoteArgs()]);
    expect(add.code, add.stderr).toBe(0);
    const imported = other.run(['remote', 'import', 'nas']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^home: \d+ backup\(s\) imported from nas/);
    const out = path.join(root, 'restored');
    const restored = other.run(['restore', 'home/latest', '--to', out]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(diffTrees(src, path.join(out, 'docs'))).toEqual([]);
  });

  it('restores with the standard tools alone: rclone copy down, then README.txt restore.sh', () => {
    const down = path.join(root, 'down');
    const copy = spawnSync('rclone', ['--config', sftp.configFile, 'copy', `sftp:${store()}`, down], {
      encoding: 'utf8',
    });
    expect(copy.status, copy.stderr).toBe(0);
    const [machine] = fs.readdirSync(path.join(down, 'Cairn'));
    const planDir = path.join(down, 'Cairn', machine!, 'home');
    const stamps = fs
      .readdirSync(path.join(planDir, 'manifests'))
      .map((n) => n.split('.')[0]!)
      .sort();
    const stamp = stamps.at(-1)!;
    const out = path.join(root, 'recipe-out');
    const run = runRecipe({ planDir, stamp, out, shell: '/usr/bin/dash', tools: recipeTools() });
    expect(run.result.status, run.text).toBe(0);
    const manifest = planLayout(dest, 'home').manifestFile(stamp);
    expect(diffFromManifest(out, manifestEntries(manifest))).toEqual([]);
  });
});
