import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fakeClock, randomFile } from '../../../test/drive-emulator/harness';
import { useEmulator } from '../../../test/helpers/driveClient';
import type { OpenDriveOptions } from './index';
import type { DriveRemote } from './types';

const MiB = 1024 * 1024;
const drive = useEmulator();
const open = async (extra: Partial<OpenDriveOptions> = {}): Promise<DriveRemote> =>
  (await drive.open(extra)).remote;

describe('DriveRemote against the emulator', () => {
  it('creates a folder path once and finds it again instead of making duplicates', async () => {
    const remote = await open();
    const a = await remote.ensureFolder(['Cairn', 'laptop', 'home', 'packs']);
    expect(a.name).toBe('packs');
    expect(a.webViewLink).toContain(a.id);
    const creates = drive.emu.count('files.create');
    expect(creates).toBe(4);
    // A fresh remote (no cache) looks the folders up by name and parent and creates nothing.
    const again = await (await open()).ensureFolder(['Cairn', 'laptop', 'home', 'packs']);
    expect(again.id).toBe(a.id);
    expect(drive.emu.count('files.create')).toBe(4);
    // Concurrent callers share one lookup and one create per level.
    const fresh = await open();
    const both = await Promise.all([
      fresh.ensureFolder(['Cairn', 'laptop', 'work', 'packs']),
      fresh.ensureFolder(['Cairn', 'laptop', 'work', 'manifests']),
      fresh.ensureFolder(['Cairn', 'laptop', 'work', 'packs']),
    ]);
    expect(both[0].id).toBe(both[2].id);
    expect(both[1].parents).toEqual(both[0].parents);
    expect(drive.emu.count('files.create')).toBe(4 + 3);
    expect((await remote.findFolder(['Cairn', 'laptop', 'home']))?.id).toBe(a.parents[0]);
    expect(await remote.findFolder(['Cairn', 'nope'])).toBeNull();
  });

  it('uploads a small file in one multipart request, checked against Drive md5Checksum', async () => {
    const remote = await open();
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'small']);
    const { file, md5 } = randomFile(drive.work, 'small.bin', 300 * 1024);
    const r = await remote.upload({
      parentId: folder.id,
      name: 'pack-1.tar.gz',
      source: { path: file },
      appProperties: { cairnKind: 'pack', sha: 'abc' },
    });
    expect(r.method).toBe('multipart');
    expect(r.file.md5Checksum).toBe(md5);
    expect(r.file.size).toBe(300 * 1024);
    expect(r.file.appProperties).toEqual({ cairnKind: 'pack', sha: 'abc' });
    expect(drive.emu.count('files.create.multipart', 200)).toBe(1);
    expect(drive.emu.readFile(r.file.id).equals(fs.readFileSync(file))).toBe(true);
    const listed = await remote.listAll({ parentId: folder.id, appProperties: { cairnKind: 'pack' } });
    expect(listed.map((f) => f.name)).toEqual(['pack-1.tar.gz']);
    expect(await remote.listAll({ parentId: folder.id, appProperties: { cairnKind: 'manifest' } })).toEqual(
      [],
    );
  });

  it('uploads a large file with the resumable protocol in 256 KiB-multiple chunks', async () => {
    const remote = await open({ chunkSize: 4 * MiB });
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'large']);
    const { file, md5 } = randomFile(drive.work, 'large.bin', 10 * MiB + 12345);
    const progress: number[] = [];
    const r = await remote.upload({
      parentId: folder.id,
      name: 'big.tar.gz',
      source: { path: file },
      onProgress: (n) => progress.push(n),
    });
    expect(r.method).toBe('resumable');
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.count('files.create.resumable', 200)).toBe(1);
    expect(drive.emu.count('files.upload.chunk')).toBe(3);
    expect(progress.at(-1)).toBe(10 * MiB + 12345);
    expect(drive.emu.readFile(r.file.id).equals(fs.readFileSync(file))).toBe(true);
  });

  it('uploads a stream of unknown length, ending exactly on a chunk boundary', async () => {
    const remote = await open({ chunkSize: 256 * 1024 });
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'stream']);
    const data = crypto.randomBytes(1024 * 1024);
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < data.length; i += 10_000) yield data.subarray(i, i + 10_000);
      })(),
    );
    const r = await remote.upload({ parentId: folder.id, name: 'streamed.tar.gz', source: { stream } });
    expect(r.method).toBe('resumable');
    expect(r.file.md5Checksum).toBe(crypto.createHash('md5').update(data).digest('hex'));
    expect(drive.emu.readFile(r.file.id).equals(data)).toBe(true);
  });

  it('resumes a resumable upload after a connection dropped mid-body, resending only what was not committed', async () => {
    const remote = await open({ chunkSize: 8 * MiB });
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'drop']);
    const size = 20 * MiB;
    const { file, md5 } = randomFile(drive.work, 'drop.bin', size);
    // The second chunk's connection dies after 3 MiB + 100 KiB; the server keeps 3 MiB (256 KiB-aligned).
    const fault = drive.emu.fault({ kind: 'drop-upload', skip: 1, afterBytes: 3 * MiB + 100 * 1024 });
    const r = await remote.upload({ parentId: folder.id, name: 'drop.tar.gz', source: { path: file } });
    expect(fault.fired).toBe(1);
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.readFile(r.file.id).equals(fs.readFileSync(file))).toBe(true);
    // Bytes that reached the server: everything once, plus only the 100 KiB the server dropped.
    expect(drive.emu.uploadedBytes()).toBe(size + 100 * 1024);
    expect(drive.emu.count('files.upload.status')).toBe(1);
    expect(drive.emu.count('files.create.resumable')).toBe(1);
    expect(remote.stats.retries).toBe(1);
    expect((await remote.listAll({ parentId: folder.id })).length).toBe(1);
  });

  it('lists page by page', async () => {
    const remote = await open();
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'many']);
    for (let i = 0; i < 25; i++) {
      await remote.upload({
        parentId: folder.id,
        name: `f${String(i).padStart(2, '0')}`,
        source: { stream: Readable.from([Buffer.from(`file ${i}`)]), size: `file ${i}`.length },
      });
    }
    drive.emu.reset();
    const names: string[] = [];
    for await (const f of remote.list({ parentId: folder.id, pageSize: 10 })) names.push(f.name);
    expect(names.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}`));
    expect(drive.emu.count('files.list', 200)).toBe(3);
    expect(await remote.listAll({ parentId: folder.id, name: 'f07' })).toHaveLength(1);
  });

  it('downloads whole files and ranges, checks the MD5, and deletes', async () => {
    const remote = await open();
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'dl']);
    const { file, md5 } = randomFile(drive.work, 'dl.bin', 2 * MiB + 7);
    const { file: up } = await remote.upload({ parentId: folder.id, name: 'dl.bin', source: { path: file } });
    const dest = path.join(drive.work, 'dl.out');
    expect(await remote.downloadTo(up.id, dest)).toBe(2 * MiB + 7);
    expect(crypto.createHash('md5').update(fs.readFileSync(dest)).digest('hex')).toBe(md5);
    const tail: Buffer[] = [];
    const late = await remote.download(up.id, { start: 2 * MiB });
    await new Promise((r) => setTimeout(r, 100)); // a caller that starts reading late loses nothing
    for await (const c of late) tail.push(c as Buffer);
    expect(Buffer.concat(tail).equals(fs.readFileSync(file).subarray(2 * MiB))).toBe(true);
    // A download cut half-way resumes with a Range request where it stopped.
    drive.emu.reset();
    const cut = drive.emu.fault({ kind: 'drop-download', afterBytes: MiB + 3 });
    const again = path.join(drive.work, 'dl.again');
    expect(await remote.downloadTo(up.id, again, { md5 })).toBe(2 * MiB + 7);
    expect(cut.fired).toBe(1);
    expect(fs.readFileSync(again).equals(fs.readFileSync(file))).toBe(true);
    expect(drive.emu.count('files.get.media')).toBe(2);
    await expect(remote.downloadTo(up.id, dest, { md5: '0'.repeat(32) })).rejects.toThrow(/does not match/);
    expect(fs.existsSync(dest)).toBe(false);
    await remote.delete(up.id);
    await remote.delete(up.id);
    expect(await remote.listAll({ parentId: folder.id })).toEqual([]);
  });

  it('paces requests at about 10 per second by default and honours a bandwidth limit', async () => {
    const clock = fakeClock();
    const remote = await open({ clock });
    for (let i = 0; i < 21; i++) await remote.listAll({ parentId: 'root', name: 'none' });
    expect(clock.elapsed()).toBeGreaterThanOrEqual(1900);
    expect(clock.elapsed()).toBeLessThan(2500);

    const slow = fakeClock();
    const limited = await open({ clock: slow, bandwidthBytesPerSecond: 256 * 1024, requestsPerSecond: 0 });
    const folder = await limited.ensureFolder(['Cairn', 'm1', 'bw']);
    const { file } = randomFile(drive.work, 'bw.bin', MiB);
    const before = slow.elapsed();
    await limited.upload({ parentId: folder.id, name: 'bw.bin', source: { path: file } });
    // 1 MiB at 256 KiB/s: about 4 s (less the quarter-second burst).
    expect(slow.elapsed() - before).toBeGreaterThanOrEqual(3500);
    expect(slow.elapsed() - before).toBeLessThan(4500);

    // The same through the resumable protocol (chunks sent as throttled streams).
    const slow2 = fakeClock();
    const limited2 = await open({
      clock: slow2,
      bandwidthBytesPerSecond: 512 * 1024,
      requestsPerSecond: 0,
      multipartMaxBytes: 0,
      chunkSize: 512 * 1024,
    });
    const { file: file2, md5 } = randomFile(drive.work, 'bw2.bin', 2 * MiB);
    const r = await limited2.upload({ parentId: folder.id, name: 'bw2.bin', source: { path: file2 } });
    expect(r.method).toBe('resumable');
    expect(r.file.md5Checksum).toBe(md5);
    expect(slow2.elapsed()).toBeGreaterThanOrEqual(3500);
    expect(slow2.elapsed()).toBeLessThan(4500);
  });

  it('reports upload throughput for a 64 MiB file on loopback', async () => {
    const remote = await open({ clock: undefined, requestsPerSecond: 10 });
    const folder = await remote.ensureFolder(['Cairn', 'm1', 'speed']);
    const { file, md5 } = randomFile(drive.work, 'speed.bin', 64 * MiB);
    const t0 = performance.now();
    const r = await remote.upload({ parentId: folder.id, name: 'speed.bin', source: { path: file } });
    const s = (performance.now() - t0) / 1000;
    expect(r.file.md5Checksum).toBe(md5);
    console.log(
      `[drive throughput] 64 MiB resumable upload (8 MiB chunks) to the emulator: ${(64 / s).toFixed(1)} MiB/s (${s.toFixed(2)} s)`,
    );
    fs.rmSync(file);
  });
});
