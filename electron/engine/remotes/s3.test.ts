import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../../../test/drive-emulator/harness';
import { startS3Server, type S3TestServer } from '../../../test/s3-server/server';
import { driveFailure } from '../../../test/helpers/driveError';
import { FOLDER_MIME, type DriveRemote } from '../drive/types';
import { createS3Remote } from './s3';
import { PART_SIZE } from './s3upload';

// The S3 remote against a real S3-protocol server (s3rver on 127.0.0.1) behind a fault proxy.
let srv: S3TestServer;
let work: string;
beforeAll(async () => {
  srv = await startS3Server();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-s3-test-'));
});
afterAll(async () => {
  await srv.close();
  fs.rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  srv.proxy.clearFaults();
  srv.proxy.resetCounters();
});

let n = 0;
function open(
  prefix = `p${n++}/`,
  extra: { accessKeyId?: string; bucket?: string; storageClass?: string } = {},
) {
  const clock = fakeClock(1_800_000_000_000);
  const remote = createS3Remote({
    name: 'offsite',
    config: srv.config(prefix, {
      ...(extra.bucket ? { bucket: extra.bucket } : {}),
      storageClass: extra.storageClass ?? null,
    }),
    credentials: { ...srv.credentials, ...(extra.accessKeyId ? { accessKeyId: extra.accessKeyId } : {}) },
    clock,
    backoff: { random: () => 0 },
  });
  return { remote, clock, prefix };
}

function randomFile(name: string, size: number) {
  const file = path.join(work, name);
  const data = crypto.randomBytes(size);
  fs.writeFileSync(file, data);
  return { file, data, md5: crypto.createHash('md5').update(data).digest('hex') };
}

async function read(remote: DriveRemote, id: string, start?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await remote.download(id, { start })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('S3 remote: objects as files, prefixes as folders', () => {
  it('puts, lists with its MD5, gets, reads a range and downloads a file', async () => {
    const { remote, prefix } = open();
    const f = await remote.ensureFolder(['Cairn', 'm1', 'home', 'packs']);
    expect(f).toMatchObject({ id: `${prefix}Cairn/m1/home/packs/`, name: 'packs', mimeType: FOLDER_MIME });
    expect(srv.proxy.log).toEqual([]); // folders are implicit: nothing is created
    const { file, data, md5 } = randomFile('small.bin', 300_000);
    const r = await remote.upload({
      parentId: f.id,
      name: 'pack-1',
      source: { path: file },
      appProperties: { cairnPack: 'pack-1' },
    });
    expect(r.file).toMatchObject({
      id: `${f.id}pack-1`,
      name: 'pack-1',
      size: data.length,
      md5Checksum: md5,
    });
    expect(srv.proxy.count('PutObject', 200)).toBe(1);
    expect(remote.stats.bytesUploaded).toBe(data.length);

    const listed = await remote.listAll({ parentId: f.id });
    expect(listed.map((x) => [x.name, x.size, x.md5Checksum])).toEqual([['pack-1', data.length, md5]]);
    expect(await remote.get(r.file.id)).toMatchObject({
      md5Checksum: md5,
      appProperties: { cairnPack: 'pack-1' },
    });
    expect((await read(remote, r.file.id, 1000)).equals(data.subarray(1000))).toBe(true);
    const dest = path.join(work, 'small.out');
    expect(await remote.downloadTo(r.file.id, dest)).toBe(data.length);
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(remote.stats.bytesDownloaded).toBe(2 * data.length - 1000);
  });

  it('lists one level, folders and files, page by page, oldest first', async () => {
    const { remote } = open();
    const root = await remote.ensureFolder(['Cairn']);
    const { file } = randomFile('tiny.bin', 10);
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      await remote.upload({ parentId: root.id, name, source: { path: file } });
    for (const sub of ['x', 'y']) {
      const d = await remote.ensureFolder(['Cairn', sub]);
      await remote.upload({ parentId: d.id, name: 'inner', source: { path: file } });
    }
    srv.proxy.resetCounters();
    const all = await remote.listAll({ parentId: root.id, pageSize: 2 });
    expect(all.map((f) => f.name).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'x', 'y']);
    expect(srv.proxy.count('ListObjectsV2')).toBe(4);
    const folders = await remote.listAll({ parentId: root.id, mimeType: FOLDER_MIME, pageSize: 2 });
    expect(folders.map((f) => [f.name, f.mimeType])).toEqual([
      ['x', FOLDER_MIME],
      ['y', FOLDER_MIME],
    ]);
    expect((await remote.listAll({ parentId: root.id, name: 'c' })).map((f) => f.id)).toEqual([
      `${root.id}c`,
    ]);
    expect(await remote.listAll({ parentId: root.id, name: 'x', mimeType: FOLDER_MIME })).toHaveLength(1);
    expect(await remote.findFolder(['Cairn', 'x'])).toMatchObject({ id: `${root.id}x/` });
    expect(await remote.findFolder(['Cairn', 'none'])).toBeNull();
  });

  it('an upload to an existing name replaces it; appProperties select files; a folder delete removes all under it', async () => {
    const { remote } = open();
    const d = await remote.ensureFolder(['Cairn', 'm']);
    const one = randomFile('one.bin', 1000);
    const two = randomFile('two.bin', 2000);
    const a = await remote.upload({
      parentId: d.id,
      name: 'plan.json',
      source: { path: one.file },
      appProperties: { cairnPlan: 'h1' },
    });
    const b = await remote.upload({
      parentId: d.id,
      name: 'plan.json',
      source: { path: two.file },
      appProperties: { cairnPlan: 'h2' },
    });
    expect(b.file.id).toBe(a.file.id);
    expect((await remote.listAll({ parentId: d.id })).map((f) => [f.name, f.md5Checksum])).toEqual([
      ['plan.json', two.md5],
    ]);
    expect(
      await remote.listAll({ parentId: d.id, name: 'plan.json', appProperties: { cairnPlan: 'h1' } }),
    ).toEqual([]);
    expect(
      await remote.listAll({ parentId: d.id, name: 'plan.json', appProperties: { cairnPlan: 'h2' } }),
    ).toHaveLength(1);
    const sub = await remote.ensureFolder(['Cairn', 'm', 'packs']);
    await remote.upload({ parentId: sub.id, name: 'p1', source: { path: one.file } });
    await remote.delete(d.id);
    expect(await remote.findFolder(['Cairn', 'm'])).toBeNull();
    await remote.delete(`${d.id}plan.json`); // already gone: not an error
  });

  it('two prefixes in one bucket do not see each other', async () => {
    const m1 = open('machine-1/');
    const m2 = open('machine-2/');
    const { file } = randomFile('own.bin', 100);
    const f1 = await m1.remote.ensureFolder(['Cairn', 'home']);
    await m1.remote.upload({ parentId: f1.id, name: 'mine', source: { path: file } });
    expect(await m2.remote.listAll({ parentId: 'root' })).toEqual([]);
    expect(await m2.remote.findFolder(['Cairn', 'home'])).toBeNull();
    expect((await m1.remote.listAll({ parentId: 'root' })).map((f) => f.name)).toEqual(['Cairn']);
  });

  it('about() names the bucket and prefix; s3rver answers neither versioning nor object lock, so no notes', async () => {
    const { remote } = open('about/');
    expect(await remote.about()).toMatchObject({
      displayName: `s3://${srv.bucket}/about`,
      limit: null,
      notes: [],
    });
    expect(remote.kind).toBe('s3');
    expect(remote.label).toBe(`s3://${srv.bucket}/about`);
  });
});

describe('S3 remote: multipart uploads', () => {
  it('uploads in 8 MiB parts with the whole MD5 in its metadata', async () => {
    const { remote } = open();
    const d = await remote.ensureFolder(['big']);
    const { file, data, md5 } = randomFile('big.bin', 2 * PART_SIZE + 12345);
    const r = await remote.upload({ parentId: d.id, name: 'big', source: { path: file } });
    expect(r.method).toBe('resumable');
    expect(srv.proxy.count('UploadPart', 200)).toBe(3);
    expect(srv.proxy.count('CompleteMultipartUpload', 200)).toBe(1);
    expect((await remote.get(r.file.id)).md5Checksum).toBe(md5);
    expect(remote.stats.bytesUploaded).toBe(data.length);
    expect((await read(remote, r.file.id)).equals(data)).toBe(true);
  });

  it('a stream of unknown size goes in parts through a temporary file; a small one of known size in one PUT', async () => {
    const { remote } = open();
    const { data, md5 } = randomFile('stream.bin', PART_SIZE + 777);
    const big = await remote.upload({
      parentId: 'root',
      name: 's1',
      source: { stream: Readable.from([data]) },
    });
    expect(big.file).toMatchObject({ size: data.length, md5Checksum: md5 });
    expect(srv.proxy.count('UploadPart', 200)).toBe(2);
    const small = data.subarray(0, 1000);
    const r = await remote.upload({
      parentId: 'root',
      name: 's2',
      source: { stream: Readable.from([small]), size: 1000 },
    });
    expect(srv.proxy.count('PutObject', 200)).toBe(1);
    expect((await read(remote, r.file.id)).equals(small)).toBe(true);
  });

  it('sends Content-MD5 and x-amz-checksum-sha256 with every PUT and part, and the storage class asked for', async () => {
    const { remote } = open(undefined, { storageClass: 'STANDARD_IA' });
    const small = randomFile('sc-small.bin', 1000);
    const big = randomFile('sc-big.bin', PART_SIZE + 1);
    await remote.upload({ parentId: 'root', name: 'sc-small', source: { path: small.file } });
    await remote.upload({ parentId: 'root', name: 'sc-big', source: { path: big.file } });
    const b64 = (algo: string, b: Buffer) => crypto.createHash(algo).update(b).digest('base64');
    const put = srv.proxy.log.find((l) => l.op === 'PutObject')!;
    expect(put.headers).toEqual({
      'content-md5': b64('md5', small.data),
      'x-amz-checksum-sha256': b64('sha256', small.data),
      'x-amz-storage-class': 'STANDARD_IA',
    });
    const create = srv.proxy.log.find((l) => l.op === 'CreateMultipartUpload')!;
    expect(create.headers).toEqual({
      'x-amz-checksum-algorithm': 'SHA256',
      'x-amz-storage-class': 'STANDARD_IA',
    });
    const parts = srv.proxy.log.filter((l) => l.op === 'UploadPart').map((l) => l.headers);
    expect(parts).toEqual([
      {
        'content-md5': b64('md5', big.data.subarray(0, PART_SIZE)),
        'x-amz-checksum-sha256': b64('sha256', big.data.subarray(0, PART_SIZE)),
      },
      {
        'content-md5': b64('md5', big.data.subarray(PART_SIZE)),
        'x-amz-checksum-sha256': b64('sha256', big.data.subarray(PART_SIZE)),
      },
    ]);
  });

  it('after the uploading process is killed (-9) mid-part, another one sends only the missing parts', async () => {
    const { remote, prefix } = open();
    const size = 5 * PART_SIZE - 1000;
    const { file, data, md5 } = randomFile('kill.bin', size);
    const sessionFile = path.join(work, 'session.json');
    // The third part stalls half-way: the child is then killed with part 3 in flight.
    srv.proxy.fault({ op: 'UploadPart', kind: 'stall', skip: 2, atByte: PART_SIZE / 2 });
    const args = { endpoint: srv.endpoint, bucket: srv.bucket, prefix, file, name: 'kill', sessionFile };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/s3-server/upload-child.ts', JSON.stringify(args)],
      {
        stdio: 'ignore',
      },
    );
    for (let t = 0; t < 600 && srv.proxy.bytesFor('kill') < 2.5 * PART_SIZE && child.exitCode === null; t++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await new Promise((r) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', r) : r(null),
    );
    // Killed with part 3 half sent (the proxy stops reading within one socket read of the half).
    expect(srv.proxy.bytesFor('kill')).toBeGreaterThanOrEqual(2.5 * PART_SIZE);
    expect(srv.proxy.bytesFor('kill')).toBeLessThan(3 * PART_SIZE);
    const saved = fs.readFileSync(sessionFile, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ key: `${prefix}up/kill`, partSize: PART_SIZE });

    let forgotten = false;
    const r = await remote.upload({
      parentId: `${prefix}up/`,
      name: 'kill',
      source: { path: file },
      session: {
        uri: saved,
        save: () => expect.fail('a new upload was started'),
        forget: () => (forgotten = true),
      },
    });
    expect(forgotten).toBe(true);
    expect(r.file.md5Checksum).toBe(md5);
    expect(srv.proxy.count('ListParts', 200)).toBe(1);
    expect(remote.stats.bytesUploaded).toBe(size - 2 * PART_SIZE);
    expect(srv.proxy.bytesFor('kill')).toBeLessThanOrEqual(1.15 * size);
    expect((await read(remote, r.file.id)).equals(data)).toBe(true);
    expect(srv.proxy.openUploads(srv.bucket)).toEqual([]);
  });

  it('a saved upload the store no longer knows is forgotten and a new one started; cancelUpload aborts one', async () => {
    const { remote, prefix } = open();
    const { file, md5 } = randomFile('gone.bin', PART_SIZE + 1);
    const saved: string[] = [];
    let forgot = 0;
    const session = (uri: string | null) => ({
      uri,
      save: (u: string) => saved.push(u),
      forget: () => forgot++,
    });
    const stale = JSON.stringify({ key: `${prefix}gone`, uploadId: 'no-such-upload', partSize: PART_SIZE });
    const r = await remote.upload({
      parentId: 'root',
      name: 'gone',
      source: { path: file },
      session: session(stale),
    });
    expect(r.file.md5Checksum).toBe(md5);
    expect(srv.proxy.count('ListParts', 404)).toBe(1);
    expect(saved).toHaveLength(1);
    expect(forgot).toBe(2); // the stale one, then the finished one
    await remote.cancelUpload(saved[0]!); // completed: the store no longer knows it, which is fine
    srv.proxy.fault({ op: 'CompleteMultipartUpload', kind: 'slowdown', times: 100 });
    const left: string[] = [];
    await driveFailure(
      remote.upload({
        parentId: 'root',
        name: 'left',
        source: { path: file },
        session: { uri: null, save: (u) => left.push(u), forget: () => undefined },
      }),
    );
    expect(srv.proxy.openUploads(srv.bucket)).toHaveLength(1);
    await remote.cancelUpload(left[0]!);
    expect(srv.proxy.count('AbortMultipartUpload', 204)).toBe(1);
    expect(srv.proxy.openUploads(srv.bucket)).toEqual([]);
  });
});

describe('S3 remote: faults', () => {
  it('503 SlowDown is retried with backoff until it succeeds', async () => {
    const { remote, clock } = open();
    const { file, md5 } = randomFile('slow.bin', 5000);
    srv.proxy.fault({ op: 'PutObject', kind: 'slowdown', times: 2 });
    const r = await remote.upload({ parentId: 'root', name: 'slow', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(srv.proxy.count('PutObject', 503)).toBe(2);
    expect(remote.stats.retries).toBe(2);
    expect(remote.stats.bytesUploaded).toBe(3 * 5000);
    expect(clock.slept).toEqual([1000, 2000]);
  });

  it('a connection dropped mid-part is retried; a download dropped mid-body resumes with a range', async () => {
    const { remote } = open();
    const { file, data, md5 } = randomFile('drop.bin', PART_SIZE + 4096);
    srv.proxy.fault({ op: 'UploadPart', kind: 'drop-request' });
    const r = await remote.upload({ parentId: 'root', name: 'drop', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(srv.proxy.count('UploadPart', 200)).toBe(2);
    expect(remote.stats.retries).toBe(1);
    srv.proxy.fault({ op: 'GetObject', kind: 'drop-response' });
    const dest = path.join(work, 'drop.out');
    expect(await remote.downloadTo(r.file.id, dest, { md5 })).toBe(data.length);
    expect(fs.readFileSync(dest).equals(data)).toBe(true);
    expect(srv.proxy.count('GetObject')).toBe(2);
  });

  it('bytes damaged on the way up are caught by the ETag and sent again; damaged every time, the copy is removed', async () => {
    const { remote } = open();
    const { file, md5 } = randomFile('bad.bin', 4000);
    srv.proxy.fault({ op: 'PutObject', kind: 'corrupt-request' });
    const r = await remote.upload({ parentId: 'root', name: 'bad', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(srv.proxy.count('PutObject')).toBe(2);
    expect((await remote.get(r.file.id)).md5Checksum).toBe(md5);
    srv.proxy.fault({ op: 'PutObject', kind: 'corrupt-request', times: 100 });
    const e = await driveFailure(remote.upload({ parentId: 'root', name: 'worse', source: { path: file } }));
    expect(e.code).toBe('corrupt');
    expect(await remote.listAll({ parentId: 'root', name: 'worse' })).toEqual([]);
  });

  it('a damaged download is caught by its MD5 and removed', async () => {
    const { remote } = open();
    const { file, md5 } = randomFile('flip.bin', 70_000);
    const r = await remote.upload({ parentId: 'root', name: 'flip', source: { path: file } });
    srv.proxy.fault({ op: 'GetObject', kind: 'corrupt-response' });
    const dest = path.join(work, 'flip.out');
    const e = await driveFailure(remote.downloadTo(r.file.id, dest, { md5 }));
    expect(e.code).toBe('corrupt');
    expect(e.message).not.toMatch(/Drive/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('refused credentials are drive-auth, naming the remote and how to set them again', async () => {
    const { remote } = open('auth/', { accessKeyId: 'WRONG' });
    const e = await driveFailure(remote.listAll({ parentId: 'root' }));
    expect(e.code).toBe('drive-auth');
    expect(e.message).toMatch(
      /^S3 refused the credentials for remote offsite \(s3:\/\/cairn-test\/auth\): InvalidAccessKeyId/,
    );
    expect(e.message).toMatch(/cairn remote add offsite/);
    expect(remote.stats.retries).toBe(0);
  });

  it('a bucket that does not exist is not-found, naming the bucket', async () => {
    const { remote } = open('x/', { bucket: 'no-such-bucket' });
    for (const call of [() => remote.about(), () => remote.listAll({ parentId: 'root' })]) {
      const e = await driveFailure(call());
      expect(e.code).toBe('not-found');
      expect(e.message).toMatch(/bucket "no-such-bucket"/);
    }
  });
});
