import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PushResult } from '../electron/engine/drive/pack/push';
import type { DriveStatusView } from '../electron/engine/drive/pack/status';
import { CLI, cairn, cairnJson, cairnSpawn } from './helpers/cli';
import { connectNoBrowser, emulatorState, pushByHand, useSpawnedEmulator } from './helpers/cliDrive';
import { makeCorpus } from './helpers/driveKit';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

const MiB = 1024 * 1024;
const emu = useSpawnedEmulator();
const state = () => emulatorState(emu());

function setup(password: string | null, packBytes: number) {
  const root = tempDir('cairn-drive-cli-');
  const src = path.join(root, 'src');
  const dest = path.join(root, 'dest');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(src);
  const env = { ...emu().env, ...(password ? { CAIRN_DRIVE_PASSWORD: password } : {}) };
  const o = { dataDir, env };
  const run = (args: string[]) => cairn(args, o);
  expect(run(['plan', 'add', 'home', '--source', src, '--dest', dest]).code).toBe(0);
  pushByHand(dataDir, { machine: 'cli', packTarget: packBytes });
  if (password) expect(run(['drive', 'password']).code).toBe(0);
  return { root, src, dest, dataDir, o, run };
}

async function packsOnDrive() {
  return (await state()).files.filter((f) => /\.tar\.gz(\.age)?$/.test(f.name));
}

describe('cairn drive (CLI against the emulator in its own process)', () => {
  it('a push killed with kill -9 resumes without re-uploading finished packs; disaster drill from Drive alone', async () => {
    const k = setup('drill password 1234', 2 * MiB);
    for (let i = 0; i < 24; i++) fs.writeFileSync(path.join(k.src, `f${i}.bin`), crypto.randomBytes(MiB));
    makeCorpus(path.join(k.src, 'tree'), { small: 40 });
    expect(k.run(['backup', 'home']).code).toBe(0);
    expect(k.run(['pin', 'latest', '--note', 'before the move']).code).toBe(0);

    const child = cairnSpawn(['drive', 'push', '--bwlimit', '3072'], k.o);
    let finished: Awaited<ReturnType<typeof packsOnDrive>> = [];
    for (let t = 0; t < 600 && finished.length < 3; t++) {
      await new Promise((r) => setTimeout(r, 100));
      finished = await packsOnDrive();
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(finished.length).toBeGreaterThanOrEqual(3);
    finished = await packsOnDrive(); // whatever landed before the kill took effect
    const before = (await state()).uploadedBytes;

    const second = cairnJson<PushResult[]>(['drive', 'push'], k.o);
    expect(second.code, second.stderr).toBe(0);
    const r = second.value[0]!;
    expect(r.pushed).toHaveLength(1);
    const all = await packsOnDrive();
    // Every pack that was on Drive before the kill is still the one used; none was sent again.
    for (const f of finished) expect(all.find((g) => g.name === f.name)?.id).toBe(f.id);
    expect(new Set(all.map((f) => f.name)).size).toBe(all.length);
    const finishedBytes = finished.reduce((n, f) => n + (f.size ?? 0), 0);
    const totalBytes = all.reduce((n, f) => n + (f.size ?? 0), 0);
    const sentAgain = (await state()).uploadedBytes - before;
    expect(sentAgain).toBeLessThan(totalBytes - finishedBytes + 512 * 1024);
    expect(r.packsUploaded).toBe(all.length - finished.length);
    console.log(
      `kill -9 resume: ${finished.length} of ${all.length} packs were finished before the kill; the next push sent ` +
        `${sentAgain} bytes (${r.packsUploaded} packs) at ${(r.bytesUploaded / MiB / (r.durationMs / 1000)).toFixed(1)} MiB/s encrypted`,
    );

    // Status says where things stand.
    const st = cairnJson<DriveStatusView>(['drive', 'status'], k.o);
    expect(st.value).toMatchObject({ connected: true, encrypted: true, lastError: null });
    expect(st.value.plans[0]).toMatchObject({ planName: 'home', backupsOnDrive: 1, pendingBytes: 0 });

    // Disaster drill: the data folder and the backup disk are gone.
    fs.rmSync(k.dataDir, { recursive: true });
    fs.rmSync(k.dest, { recursive: true });
    const listed = k.run(['drive', 'list']); // read from Drive: works before the import
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/cli-\w+\s+home\s+\d{4}-\d\d-\d\d_\d{6}\s+\?/);
    const imp = k.run(['drive', 'import']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/home: 1 backup\(s\) imported from Drive/);
    expect(k.run(['drive', 'list']).stdout).toMatch(/home\s+\d{4}-\d\d-\d\d_\d{6}\s+70/);
    // The pin and its note come back too (Drive retention never prunes a pinned backup).
    const list = cairnJson<{ pinned: boolean; note: string | null }[]>(['list'], k.o).value;
    expect(list[0]).toMatchObject({ pinned: true, note: 'before the move' });
    const to = path.join(k.root, 'new');
    const res = k.run(['restore', 'latest', '--to', to]);
    expect(res.code, res.stderr).toBe(0);
    expect(diffTrees(k.src, path.join(to, 'src'), { mode: true })).toEqual([]);
  });

  it('restores by its stamp a backup pruned here but still kept on Drive', async () => {
    const k = setup(null, 2 * MiB);
    writeTree(k.src, { 'a.txt': 'first version', 'sub/b.txt': 'bee' });
    expect(k.run(['backup', 'home']).code).toBe(0);
    const old = path.join(k.root, 'old');
    fs.cpSync(k.src, old, { recursive: true, preserveTimestamps: true });
    await new Promise((r) => setTimeout(r, 1100)); // one stamp per second
    writeTree(k.src, { 'a.txt': 'second version', 'c.txt': 'sea' });
    expect(k.run(['backup', 'home']).code).toBe(0);
    const pushed = k.run(['drive', 'push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const [newest, oldest] = cairnJson<{ stamp: string }[]>(['list'], k.o).value.map((b) => b.stamp);

    // Locally only the newest is kept from now on; Drive keeps what it has until its own next prune.
    const keepOne = ['--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'];
    keepOne.push('--keep-within', '0');
    expect(k.run(['plan', 'edit', 'home', ...keepOne]).code).toBe(0);
    expect(k.run(['prune', 'home']).code).toBe(0);
    expect(cairnJson<{ stamp: string }[]>(['list'], k.o).value.map((b) => b.stamp)).toEqual([newest]);
    expect(fs.existsSync(path.join(k.dest, 'home', oldest!))).toBe(false);

    const to = path.join(k.root, 'back');
    const r = k.run(['restore', `home/${oldest}`, '--to', to]);
    expect(r.code, r.stderr).toBe(0);
    expect(diffTrees(old, path.join(to, 'src'), { mode: true })).toEqual([]);
    // A stamp neither here nor on Drive is still no backup.
    const none = k.run(['restore', 'home/2001-01-01_000000', '--to', to]);
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/has no backup 2001-01-01_000000/)]);
  });

  it('connect --no-browser takes the pasted address; status says the tokens are in a 0600 file; disconnect forgets them', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const { CAIRN_DRIVE_REFRESH_TOKEN: _t, ...env } = emu().env;
    const { code, out, err } = await connectNoBrowser(CLI, env, dataDir);
    expect(code, err).toBe(0);
    expect(out).toMatch(/Connected to Google Drive as \S+@/);
    const secretsFile = path.join(dataDir, 'secrets.json');
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    const st = cairnJson<DriveStatusView>(['drive', 'status'], { dataDir, env });
    expect(st.value.connected).toBe(true);
    expect(st.value.tokens).toContain(`in a file only you can read (${secretsFile}), not encrypted`);
    expect(cairn(['drive', 'disconnect'], { dataDir, env }).code).toBe(0);
    const after = cairn(['drive', 'status'], { dataDir, env });
    expect(after.code).toBe(2);
    expect(after.stdout).toMatch(
      /not connected[\s\S]*Drive is not connected: run `cairn drive connect` first/,
    );
  });

  it('measures upload throughput on loopback', async () => {
    const k = setup(null, 16 * MiB);
    for (let i = 0; i < 32; i++) fs.writeFileSync(path.join(k.src, `f${i}.bin`), crypto.randomBytes(MiB));
    expect(k.run(['backup', 'home']).code).toBe(0);
    const r = cairnJson<PushResult[]>(['drive', 'push'], k.o);
    expect(r.code, r.stderr).toBe(0);
    const p = r.value[0]!;
    expect(p.contentBytes).toBe(32 * MiB);
    expect(p.bytesUploaded).toBeGreaterThan(32 * MiB);
    console.log(
      `drive push throughput (plain, 32 MiB random, CLI to the emulator on 127.0.0.1): ` +
        `${(p.bytesUploaded / MiB / (p.durationMs / 1000)).toFixed(1)} MiB/s in ${p.packsUploaded} packs`,
    );
    const v = k.run(['verify', '--drive', '--sample', '100']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/home on Drive: intact — 2 pack\(s\), 1 backup\(s\), 2 pack\(s\) read back/);
    const dry = k.run(['drive', 'prune', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/keep {2}\d{4}-\d\d-\d\d_\d{6} {2}newest backup/);
  });
});
