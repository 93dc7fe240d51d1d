// Issue #18's S3 "Done when" through the `cairn` CLI as a user runs it (bin/cairn.mjs, no Cairn environment
// variable, a fresh home, the working folder elsewhere) against a real S3-protocol server on 127.0.0.1
// (s3rver behind the fault proxy of test/s3-server): first push, kill -9 in the middle of a multipart upload
// then push again, a 1 % change push, faults, verify, prune, and a rebuild of the catalog from the bucket
// alone followed by a byte-exact restore, with Cairn and with the standard tools (rclone's s3 backend to
// download, then README.txt's restore.sh).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLayout } from '../electron/engine/format/layout';
import { PART_SIZE } from '../electron/engine/remotes/s3upload';
import { cairnAsync, CLI } from './helpers/cli';
import { diffFromManifest, makeWritable, manifestEntries, recipeTools, runRecipe } from './helpers/recipe';
import { tempDir } from './helpers/tmp';
import { diffTrees } from './helpers/tree';
import { userEnv } from './helpers/userEnv';
import { startS3Server, type S3TestServer } from './s3-server/server';

const MB = 1000 * 1000;
let srv: S3TestServer;
beforeAll(async () => {
  srv = await startS3Server();
});
afterAll(() => srv.close());

/** A user of this computer: their own home and data folder, the working folder elsewhere. */
function user(home: string) {
  const env = userEnv(home);
  for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
  const cwd = tempDir('cairn-cwd-');
  // Asynchronous: the S3 server runs in this process, and a spawnSync would stop it answering.
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    cairnAsync(args, { env: { ...env, ...extra }, cwd, timeoutMs: 180_000 });
  const start = (args: string[]) =>
    spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return { run, start };
}

/** Bytes of the objects s3rver keeps under `prefix` (s3rver stores `a/b` as the file a/b._S3rver_object). */
function storedBytes(prefix: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('._S3rver_object')) n += fs.statSync(p).size;
    }
  };
  walk(path.join(srv.dir, srv.bucket, prefix));
  return n;
}

/** A tool run without blocking this process (whose S3 server must keep answering). */
async function runTool(cmd: string, args: string[]) {
  // Without this machine's AWS_* settings (a CA bundle there would stop rclone's s3 backend on plain HTTP).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const status = await new Promise<number>((r) => child.once('close', (c) => r(c ?? -1)));
  return { status, stderr };
}

const until = async (ok: () => boolean, what: string) => {
  for (let t = 0; t < 1200 && !ok(); t++) await new Promise((r) => setTimeout(r, 50));
  expect(ok(), what).toBe(true);
};

describe('an S3 remote through the cairn CLI', () => {
  it('pushes, resumes after kill -9 mid-multipart, pushes a 1 % change, rides out faults, verifies, prunes, and rebuilds elsewhere byte for byte', async () => {
    const root = tempDir('cairn-remote-s3-');
    const src = path.join(root, 'docs');
    const dest = path.join(root, 'dest');
    fs.mkdirSync(path.join(src, 'small'), { recursive: true });
    fs.writeFileSync(path.join(src, 'big.bin'), crypto.randomBytes(24 * MB));
    for (let i = 0; i < 20; i++)
      fs.writeFileSync(path.join(src, 'small', `f${i}.txt`), crypto.randomBytes(40_000));
    const u = user(path.join(root, 'home'));
    expect((await u.run(['plan', 'add', 'home', '--source', src, '--dest', dest])).code).toBe(0);
    expect((await u.run(['backup', 'home'])).code).toBe(0);

    const s3 = ['--s3', `s3://${srv.bucket}/machine-1`, '--endpoint', srv.endpoint, '--path-style'];
    const add = await u.run(
      ['remote', 'add', 'offsite', '--plan', 'home', ...s3, '--access-key-id', 'S3RVER'],
      {
        AWS_SECRET_ACCESS_KEY: srv.credentials.secretAccessKey,
      },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain(
      `Remote offsite added: s3://${srv.bucket}/machine-1 at ${srv.endpoint}, copying home.`,
    );

    // First push, killed (-9) with the big pack's third part half sent.
    srv.proxy.resetCounters();
    srv.proxy.fault({ op: 'UploadPart', kind: 'stall', skip: 2, atByte: 2 * 1024 * 1024 });
    const child = u.start(['remote', 'push', 'offsite']);
    await until(
      () =>
        srv.proxy.pending().length === 0 &&
        srv.proxy.bytesFor('machine-1/') >= 2 * PART_SIZE + 2 * 1024 * 1024,
      'the push stalled in part 3',
    );
    child.kill('SIGKILL');
    await new Promise((r) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null),
    );
    srv.proxy.clearFaults();
    const push = await u.run(['remote', 'push', 'offsite']);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stderr).not.toMatch(/Warning/);
    expect(push.stdout).toMatch(/^home: 1 backup\(s\) pushed, \d+ pack\(s\), .* uploaded/);
    expect(srv.proxy.count('ListParts', 200)).toBeGreaterThanOrEqual(1);
    const first = storedBytes('machine-1/');
    const sent = srv.proxy.received.total;
    console.log(`first push: ${sent} bytes received for ${first} stored (${(sent / first).toFixed(3)}x)`);
    expect(sent).toBeLessThanOrEqual(1.15 * first);

    // A 1 % change: the backup pushes it to the remote (auto-push), through 503 SlowDown and a dropped connection.
    fs.writeFileSync(path.join(src, 'small', 'new.bin'), crypto.randomBytes(250_000));
    srv.proxy.resetCounters();
    srv.proxy.fault({ op: 'PutObject', kind: 'slowdown', times: 2 });
    srv.proxy.fault({ op: 'PutObject', kind: 'drop-request', skip: 1 });
    const change = await u.run(['backup', 'home']);
    expect(change.code, change.stderr).toBe(0);
    console.log(`1 % change: ${srv.proxy.received.total} bytes received; cairn said: ${change.stdout}`);
    expect(srv.proxy.pending()).toEqual([]);
    expect(srv.proxy.count('PutObject', 503)).toBe(2);
    expect(change.stdout).toMatch(/offsite.* uploaded/);
    expect(srv.proxy.received.total).toBeLessThan(0.05 * first);
    const again = await u.run(['remote', 'push', 'offsite']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^home: 0 backup\(s\) pushed, 0 pack\(s\), 0 B uploaded .*; 2 already on offsite/,
    );

    const verify = await u.run(['remote', 'verify', 'offsite']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^home on offsite: intact/);
    const prune = await u.run(['remote', 'prune', 'offsite']);
    expect(prune.code, prune.stderr).toBe(0);

    // A new machine: the catalog rebuilt from the bucket alone, then a byte-exact restore.
    const other = user(path.join(root, 'home2'));
    const seen = await other.run(['remote', 'add', 'offsite', ...s3, '--access-key-id', 'S3RVER'], {
      AWS_SECRET_ACCESS_KEY: srv.credentials.secretAccessKey,
    });
    expect(seen.code, seen.stderr).toBe(0);
    const imported = await other.run(['remote', 'import', 'offsite']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^home: 2 backup\(s\) imported from offsite/);
    const out = path.join(root, 'restored');
    const restored = await other.run(['restore', 'home/latest', '--to', out]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(diffTrees(src, path.join(out, 'docs'))).toEqual([]);

    // Without Cairn: rclone's s3 backend downloads the copy, README.txt's restore.sh puts the backup back.
    const conf = path.join(root, 'rclone.conf');
    fs.writeFileSync(
      conf,
      `[s3rv]\ntype = s3\nprovider = Other\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\n` +
        `endpoint = ${srv.endpoint}\nforce_path_style = true\nlist_version = 2\nregion = us-east-1\n`,
    );
    const copy = path.join(root, 'copy');
    const dl = await runTool('rclone', ['--config', conf, 'copy', `s3rv:${srv.bucket}/machine-1`, copy]);
    expect(dl.status, dl.stderr).toBe(0);
    const [machine] = fs.readdirSync(path.join(copy, 'Cairn'));
    const planDir = path.join(copy, 'Cairn', machine!, 'home');
    const stamps = fs.readdirSync(planLayout(dest, 'home').manifests).map((f) => f.replace(/\.tsv\.gz$/, ''));
    const stamp = stamps.sort().at(-1)!;
    const byHand = path.join(tempDir(), 'restored');
    const run = runRecipe({
      planDir,
      stamp,
      out: byHand,
      shell: '/usr/bin/dash',
      tools: recipeTools(),
      password: null,
    });
    expect(run.result.status, run.text).toBe(0);
    expect(diffFromManifest(byHand, manifestEntries(planLayout(dest, 'home').manifestFile(stamp)))).toEqual(
      [],
    );
    makeWritable(byHand);
  }, 300_000);
});
