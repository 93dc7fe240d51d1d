import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDrive } from '../../electron/engine/drive/index';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import { tempDir } from '../helpers/tmp';
import { fakeClock, randomFile } from './harness';
import { spawnEmulator, type SpawnedEmulator } from './spawn';

let emu: SpawnedEmulator;
beforeAll(async () => {
  emu = await spawnEmulator(['--dir', tempDir()]);
});
afterAll(async () => {
  await emu.stop();
});

it('reports upload throughput for a 64 MiB file to the emulator in another process', async () => {
  const { remote } = await openDrive({ secrets: new FileSecretStore(tempDir()), env: emu.env });
  const folder = await remote.ensureFolder(['Cairn', 'speed']);
  const { file, md5 } = randomFile(tempDir(), 'speed.bin', 64 * 1024 * 1024);
  const t0 = performance.now();
  const r = await remote.upload({ parentId: folder.id, name: 'speed.bin', source: { path: file } });
  const s = (performance.now() - t0) / 1000;
  expect(r.file.md5Checksum).toBe(md5);
  console.log(
    `[drive throughput] 64 MiB resumable upload (8 MiB chunks) to the emulator in another process: ${(64 / s).toFixed(1)} MiB/s (${s.toFixed(2)} s)`,
  );
  fs.rmSync(file);
});

it('runs as its own process, controlled through /__admin/, with files readable from its folder', async () => {
  const { remote } = await openDrive({
    secrets: new FileSecretStore(tempDir()),
    env: emu.env,
    clock: fakeClock(),
  });
  const folder = await remote.ensureFolder(['Cairn', 'other-process']);
  await emu.fault({ kind: 'unavailable', op: 'files.create.multipart' });
  const data = crypto.randomBytes(4096);
  const up = await remote.upload({
    parentId: folder.id,
    name: 'x.bin',
    source: { stream: Readable.from([data]), size: data.length },
  });
  const state = await emu.state();
  expect(state.log.filter((e) => e.op === 'files.create.multipart').map((e) => e.status)).toEqual([503, 200]);
  expect(state.files.find((f) => f.id === up.file.id)?.md5Checksum).toBe(
    crypto.createHash('md5').update(data).digest('hex'),
  );
  // files.json and blobs/<id> let a script copy what is "on Drive" without the API.
  const listed = JSON.parse(fs.readFileSync(path.join(emu.dir, 'files.json'), 'utf8')) as {
    files: { id: string }[];
  };
  expect(listed.files.map((f) => f.id)).toContain(up.file.id);
  expect(fs.readFileSync(path.join(emu.dir, 'blobs', up.file.id)).equals(data)).toBe(true);

  await emu.revokeGrants();
  await emu.fault({ kind: 'expire-token' });
  await expect(remote.about()).rejects.toThrow(/Drive link expired/);
});
