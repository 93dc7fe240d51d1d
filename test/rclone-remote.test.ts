// The rclone remote (electron/engine/remotes/rclone.ts) against the real `rclone` over its local backend and
// over a real OpenSSH SFTP server on 127.0.0.1 (test/sftp-server), with faults cut by the proxy in front.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Clock } from '../electron/engine/drive/pacing';
import { FOLDER_MIME, type DriveRemote } from '../electron/engine/drive/types';
import { createRcloneRemote } from '../electron/engine/remotes/rclone';
import { startSftpServer, type SftpServer } from './sftp-server/server';
import { tempDir } from './helpers/tmp';

/** Retries without waiting: the backoff's sleeps are recorded, not slept. */
function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 0, sleep: async (ms) => void slept.push(ms) };
}

let server: SftpServer;
beforeAll(async () => {
  server = await startSftpServer({ dir: tempDir('cairn-sftp-') });
});
afterAll(async () => {
  await server?.stop();
});

function remoteOf(spec: string, clock: Clock = instantClock()): DriveRemote {
  return createRcloneRemote({
    name: 'off',
    config: { remote: spec, configFile: server.configFile },
    clock,
    backoff: { maxAttempts: 4 },
  });
}

function randomFile(bytes: number): { file: string; md5: string; data: Buffer } {
  const data = crypto.randomBytes(bytes);
  const file = path.join(tempDir(), 'src.bin');
  fs.writeFileSync(file, data);
  return { file, data, md5: crypto.createHash('md5').update(data).digest('hex') };
}

async function readAll(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

/** rclone processes whose command line names `needle` (from /proc). */
function rcloneWith(needle: string): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('rclone\0') && cmd.includes(needle)) pids.push(Number(pid));
    } catch {
      // gone already
    }
  }
  return pids;
}

const backends = [
  { kind: 'local', spec: () => `local:${tempDir('cairn-rclone-local-')}/copy` },
  { kind: 'sftp', spec: () => `sftp:${server.dataDir}/${crypto.randomUUID()}` },
];

describe.each(backends)('the rclone remote over $kind', ({ spec }) => {
  it('puts, gets, lists one level (folders as folders), reads ranges and replaces by name, with MD5 filled', async () => {
    const r = remoteOf(spec());
    expect(r.kind).toBe('rclone');
    expect(r.packTargetBytes).toBe(8 * 1024 * 1024);
    const packs = await r.ensureFolder(['Cairn', 'm', 'p', 'packs']);
    expect(packs).toMatchObject({ name: 'packs', mimeType: FOLDER_MIME, md5Checksum: null });
    expect(packs.id.endsWith('/Cairn/m/p/packs/')).toBe(true);
    expect(await r.findFolder(['Cairn', 'm', 'p'])).toBeNull(); // implicit: nothing under it yet

    const a = randomFile(3_000_001);
    const progress: number[] = [];
    const up = await r.upload({
      parentId: packs.id,
      name: 'pack-a',
      source: { path: a.file },
      onProgress: (n) => progress.push(n),
    });
    expect(up.file).toMatchObject({
      id: `${packs.id}pack-a`,
      name: 'pack-a',
      size: a.data.length,
      md5Checksum: a.md5,
    });
    expect(progress.at(-1)).toBe(a.data.length);
    expect(r.stats.bytesUploaded).toBe(a.data.length);
    expect(await r.get(up.file.id)).toMatchObject({ md5Checksum: a.md5, size: a.data.length });

    const b = Buffer.from('a small stream');
    await r.upload({
      parentId: packs.id,
      name: 'b.txt',
      source: { stream: Readable.from([b]), size: b.length },
    });
    const plan = await r.findFolder(['Cairn', 'm', 'p']);
    expect(plan?.mimeType).toBe(FOLDER_MIME);
    const level = await r.listAll({ parentId: plan!.id });
    expect(level.map((f) => [f.name, f.mimeType === FOLDER_MIME])).toEqual([['packs', true]]);
    const files = await r.listAll({ parentId: packs.id });
    expect(files.map((f) => f.name).sort()).toEqual(['b.txt', 'pack-a']);
    expect(files.every((f) => f.md5Checksum && f.md5Checksum.length === 32)).toBe(true);
    expect(await r.listAll({ parentId: packs.id, name: 'b.txt' })).toHaveLength(1);
    expect(await r.listAll({ parentId: packs.id, mimeType: FOLDER_MIME })).toEqual([]);
    expect(await r.listAll({ parentId: packs.id, appProperties: { cairnPack: 'x' } })).toEqual([]);

    expect(await readAll(await r.download(up.file.id, { start: 2_999_000 }))).toEqual(
      a.data.subarray(2_999_000),
    );
    const dest = path.join(tempDir(), 'back.bin');
    expect(await r.downloadTo(up.file.id, dest)).toBe(a.data.length);
    expect(fs.readFileSync(dest).equals(a.data)).toBe(true);

    const c = randomFile(1000);
    const again = await r.upload({ parentId: packs.id, name: 'pack-a', source: { path: c.file } });
    expect(again.file.id).toBe(up.file.id);
    expect((await r.listAll({ parentId: packs.id, name: 'pack-a' })).map((f) => f.md5Checksum)).toEqual([
      c.md5,
    ]);

    await r.delete(up.file.id);
    await r.delete(up.file.id); // already gone: fine
    await expect(r.get(up.file.id)).rejects.toMatchObject({ code: 'not-found' });
    await r.delete(plan!.id);
    expect(await r.findFolder(['Cairn', 'm', 'p'])).toBeNull();
    expect(await r.listAll({ parentId: packs.id })).toEqual([]);
    const about = await r.about();
    expect(about.limit).toBeGreaterThan(0);
  });

  it('says not-found for a path that is not there and for an rclone remote its config lacks', async () => {
    const r = remoteOf(spec());
    await expect(r.get(`${(await r.ensureFolder(['x'])).id}nothing`)).rejects.toMatchObject({
      code: 'not-found',
    });
    await expect(r.download(`${(await r.ensureFolder(['x'])).id}nothing`)).rejects.toMatchObject({
      code: 'not-found',
    });
    const missing = remoteOf('nosuchremote:backups');
    const e = await missing.listAll({ parentId: 'root' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'not-found', reason: 'no_remote' });
    expect((e as Error).message).toContain('rclone has no remote named "nosuchremote"');
  });
});

describe('the rclone remote over SFTP, with faults', () => {
  it('retries an upload whose connection dropped mid-transfer to success, counting the resent bytes', async () => {
    const clock = instantClock();
    const r = remoteOf(`sftp:${server.dataDir}/drop-up`, clock);
    const folder = await r.ensureFolder(['packs']);
    const a = randomFile(4_000_000);
    server.proxy.drop({ direction: 'up', afterBytes: 1_500_000, times: 1 });
    const before = server.proxy.state().dropped;
    const up = await r.upload({ parentId: folder.id, name: 'p', source: { path: a.file } });
    expect(server.proxy.state().dropped).toBe(before + 1);
    expect(up.file.md5Checksum).toBe(a.md5);
    expect(r.stats.retries).toBeGreaterThanOrEqual(1);
    expect(clock.slept.length).toBe(r.stats.retries);
    expect(r.stats.bytesUploaded).toBeGreaterThan(a.data.length);
    expect(fs.readFileSync(path.join(server.dataDir, 'drop-up/packs/p')).equals(a.data)).toBe(true);
  });

  it('resumes a download whose connection dropped mid-stream from where it stopped', async () => {
    const r = remoteOf(`sftp:${server.dataDir}/drop-down`);
    const folder = await r.ensureFolder(['packs']);
    const a = randomFile(4_000_000);
    const { file } = await r.upload({ parentId: folder.id, name: 'p', source: { path: a.file } });
    server.proxy.drop({ direction: 'down', afterBytes: 2_000_000, times: 1 });
    const before = server.proxy.state().dropped;
    const dest = path.join(tempDir(), 'p');
    const requests = r.stats.requests;
    const downloaded = r.stats.bytesDownloaded;
    expect(await r.downloadTo(file.id, dest)).toBe(a.data.length);
    // Its MD5, the first `cat`, then one `cat --offset` from the byte where the drop stopped it.
    expect(r.stats.requests - requests).toBe(3);
    expect(server.proxy.state().dropped).toBe(before + 1);
    expect(fs.readFileSync(dest).equals(a.data)).toBe(true);
    expect(r.stats.bytesDownloaded - downloaded).toBe(a.data.length);
  });

  it('gives up after the attempts when the connection keeps dropping, in words naming the remote', async () => {
    const r = remoteOf(`sftp:${server.dataDir}/drop-always`);
    const a = randomFile(2_000_000);
    server.proxy.drop({ direction: 'up', afterBytes: 500_000, times: 4 });
    const e = await r
      .upload({ parentId: (await r.ensureFolder(['packs'])).id, name: 'p', source: { path: a.file } })
      .catch((x: unknown) => x);
    server.proxy.clearFaults();
    expect(e).toMatchObject({ code: 'drive' });
    expect((e as Error).message).toContain(`on sftp:${server.dataDir}/drop-always`);
    expect((e as Error).message).not.toContain('Drive');
    expect(r.stats.requests).toBe(4);
  });

  it('says to reconnect the rclone remote when the server refuses its key', async () => {
    const r = remoteOf(`sftp-badkey:${server.dataDir}`);
    const e = await r.listAll({ parentId: 'root' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'drive-auth' });
    expect((e as Error).message).toContain('rclone could not sign in to sftp-badkey');
    expect((e as Error).message).toContain('`rclone config reconnect sftp-badkey:`');
    expect(r.stats.retries).toBe(0);
  });

  it('kills rclone when the upload is aborted', async () => {
    const r = remoteOf(`sftp:${server.dataDir}/abort`);
    const name = `slow-${crypto.randomUUID()}`;
    const ac = new AbortController();
    let pids: number[] = [];
    // A stream that hands over 64 KiB at a time, then waits: the abort comes while rclone is running.
    const slow = Readable.from(
      (async function* () {
        for (let i = 0; i < 1000; i++) {
          yield crypto.randomBytes(64 * 1024);
          if (i === 3) {
            pids = rcloneWith(name);
            ac.abort();
          }
          await new Promise((res) => setTimeout(res, 20));
        }
      })(),
    );
    const e = await r
      .upload({
        parentId: (await r.ensureFolder(['p'])).id,
        name,
        source: { stream: slow },
        signal: ac.signal,
      })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'cancelled' });
    expect(pids.length).toBe(1);
    for (let i = 0; i < 50 && rcloneWith(name).length > 0; i++)
      await new Promise((res) => setTimeout(res, 100));
    expect(rcloneWith(name)).toEqual([]);
  });
});

/** A 2 MiB tmpfs (root only), or null where mounting is not allowed. */
function smallDisk(): string | null {
  const dir = tempDir('cairn-full-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : null;
}

describe('a full store', () => {
  const disk = process.getuid?.() === 0 ? smallDisk() : null;
  afterAll(() => {
    if (disk) spawnSync('umount', [disk]);
  });

  it.skipIf(!disk).each(['local', 'sftp'])(
    'is a quota error over %s (SFTP says only "Failure")',
    async (kind) => {
      const r = remoteOf(`${kind}:${disk}/${kind}`);
      const a = randomFile(3_000_000);
      const e = await r
        .upload({ parentId: (await r.ensureFolder(['packs'])).id, name: 'p', source: { path: a.file } })
        .catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'drive-quota' });
      expect((e as Error).message).toMatch(new RegExp(`^${kind}:${disk}/${kind} is full`));
    },
  );
});

describe('a server that never answers', () => {
  it('is given up on after the idle timeout, each try, rclone killed', async () => {
    const silent = net.createServer(() => undefined); // accepts, then says nothing
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    onTestFinished(() => void silent.close());
    const port = (silent.address() as net.AddressInfo).port;
    const conf = path.join(tempDir(), 'rclone.conf');
    fs.writeFileSync(
      conf,
      `[mute]\ntype = sftp\nhost = 127.0.0.1\nport = ${port}\nuser = nobody\nkey_file = ${server.dir}/client_key\n`,
    );
    const clock = instantClock();
    const r = createRcloneRemote({
      name: 'mute',
      config: { remote: 'mute:x', configFile: conf },
      clock,
      timeoutMs: 1500,
      backoff: { maxAttempts: 2 },
    });
    const started = Date.now();
    const e = await r.listAll({ parentId: 'root' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'drive' });
    expect((e as Error).message).toMatch(/^Could not list mute:x\/ on mute:x \(/);
    expect(r.stats).toMatchObject({ requests: 2, retries: 1 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(rcloneWith(conf)).toEqual([]);
  });
});
