import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { randomFile } from '../../../test/drive-emulator/harness';
import { useEmulator } from '../../../test/helpers/driveClient';
import type { OpenDriveOptions } from './index';
import { driveFailure } from '../../../test/helpers/driveError';
import type { DriveRemote } from './types';

const MiB = 1024 * 1024;
const drive = useEmulator();
beforeEach(() => drive.emu.setQuota(null));

async function open(extra: Partial<OpenDriveOptions> = {}) {
  const { remote, clock } = await drive.open({
    backoff: { random: () => 0 },
    // Small enough that the MiB-sized test files go through the resumable protocol.
    multipartMaxBytes: 64 * 1024,
    ...extra,
  });
  // Waits longer than pacing: the backoff delays.
  const backoffs = () => clock.slept.filter((ms) => ms >= 1000);
  return { remote, clock, backoffs };
}

let n = 0;
async function folder(remote: DriveRemote) {
  return remote.ensureFolder(['Cairn', 'faults', `t${n++}`]);
}

describe('Drive faults end as they should', () => {
  it('401: refreshes the access token once and retries', async () => {
    const { remote } = await open();
    await remote.about();
    const refreshesBefore = drive.emu.count('oauth.token.refresh', 200);
    drive.emu.fault({ kind: 'expire-token', op: 'files.list' });
    expect(await remote.listAll({ parentId: 'root', name: 'x' })).toEqual([]);
    expect(remote.stats.refreshes).toBe(1);
    expect(drive.emu.count('oauth.token.refresh', 200)).toBe(refreshesBefore + 1);
    expect(drive.emu.count('files.list', 401)).toBe(1);
    expect(drive.emu.count('files.list', 200)).toBe(1);
  });

  it('concurrent requests refused with one expired token share one refresh (no refresh storm)', async () => {
    const { remote } = await open();
    await remote.about();
    // The fault expires the token all six requests carry: each gets a 401.
    drive.emu.fault({ kind: 'expire-token', op: 'files.list' });
    const lists = Array.from({ length: 6 }, (_, i) => remote.listAll({ parentId: 'root', name: `c${i}` }));
    expect(await Promise.all(lists)).toEqual(Array.from({ length: 6 }, () => []));
    expect(drive.emu.count('files.list', 401)).toBeGreaterThan(1);
    expect(remote.stats.refreshes).toBe(1);
    expect(drive.emu.count('files.list', 200)).toBe(6);
  });

  it('401 in the middle of a resumable upload: refreshes, asks what arrived, and finishes', async () => {
    const { remote } = await open({ chunkSize: MiB });
    const f = await folder(remote);
    const { file, md5 } = randomFile(drive.work, 'a401.bin', 3 * MiB);
    drive.emu.fault({ kind: 'expire-token', op: 'files.upload.chunk', skip: 1 });
    const r = await remote.upload({ parentId: f.id, name: 'a401', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(remote.stats.refreshes).toBe(1);
    expect(drive.emu.count('files.upload.status', 308)).toBe(1);
    expect(drive.emu.uploadedBytes()).toBe(3 * MiB);
  });

  it('403 userRateLimitExceeded and rateLimitExceeded: backs off exponentially, then succeeds', async () => {
    const { remote, backoffs } = await open();
    const f = await folder(remote);
    drive.emu.fault({ kind: 'user-rate-limit', times: 2, op: 'files.create.multipart' });
    drive.emu.fault({ kind: 'rate-limit', times: 1, op: 'files.create.multipart' });
    const r = await remote.upload({
      parentId: f.id,
      name: 'rl',
      source: { stream: Readable.from([Buffer.from('hello')]), size: 5 },
    });
    expect(r.file.size).toBe(5);
    expect(backoffs()).toEqual([1000, 2000, 4000]);
    expect(remote.stats.retries).toBe(3);
    expect(await remote.listAll({ parentId: f.id })).toHaveLength(1);
  });

  it('429: backs off with jitter, then succeeds', async () => {
    const { remote, backoffs } = await open({ backoff: { random: () => 0.5 } });
    drive.emu.fault({ kind: 'too-many-requests', times: 2, op: 'about.get' });
    expect((await remote.about()).emailAddress).toBe('tester@example.com');
    expect(backoffs()).toEqual([1500, 2500]);
    expect(drive.emu.count('about.get', 429)).toBe(2);
  });

  it('500 and 503: retried, on metadata calls and on upload chunks', async () => {
    const { remote } = await open({ chunkSize: MiB });
    const f = await folder(remote);
    drive.emu.fault({ kind: 'server-error', op: 'files.create' });
    const sub = await remote.ensureFolder(['Cairn', 'faults', 'five-hundred']);
    expect(sub.name).toBe('five-hundred');
    drive.emu.fault({ kind: 'unavailable', op: 'files.upload.chunk', skip: 1, times: 2 });
    const { file, md5 } = randomFile(drive.work, 'a503.bin', 3 * MiB + 5);
    const r = await remote.upload({ parentId: f.id, name: 'a503', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.count('files.upload.chunk', 503)).toBe(2);
    expect(await remote.listAll({ parentId: f.id })).toHaveLength(1);
  });

  it('storageQuotaExceeded: a typed drive-quota error and nothing partial left on Drive', async () => {
    const { remote } = await open({ chunkSize: 256 * 1024 });
    const f = await folder(remote);
    drive.emu.setQuota(drive.emu.store.usage() + MiB);
    const { file } = randomFile(drive.work, 'quota.bin', 3 * MiB);
    const known = await driveFailure(
      remote.upload({ parentId: f.id, name: 'known', source: { path: file } }),
    );
    expect(known.code).toBe('drive-quota');
    expect(known.message).toMatch(/Drive is full.*Local backups are untouched/);
    // A stream of unknown length fails at the chunk that crosses the limit.
    const stream = fs.createReadStream(file);
    const streamed = await driveFailure(
      remote.upload({ parentId: f.id, name: 'streamed', source: { stream } }),
    );
    expect(streamed.reason).toBe('storageQuotaExceeded');
    expect(
      drive.emu.count('files.upload.chunk', 200) + drive.emu.count('files.upload.chunk', 308),
    ).toBeGreaterThan(0);
    drive.emu.setQuota(null);
    drive.emu.fault({ kind: 'storage-quota', op: 'files.create.multipart' });
    const small = await driveFailure(
      remote.upload({
        parentId: f.id,
        name: 'small',
        source: { stream: Readable.from([Buffer.from('x')]), size: 1 },
      }),
    );
    expect(small.code).toBe('drive-quota');
    expect(await remote.listAll({ parentId: f.id })).toEqual([]);
  });

  it('invalid_grant on refresh: "Drive link expired: reconnect", with the Testing-mode advice', async () => {
    const { remote } = await open();
    await remote.about();
    drive.emu.fault({ kind: 'expire-token', op: 'about.get' });
    drive.emu.fault({ kind: 'invalid-grant' });
    const e = await driveFailure(remote.about());
    expect(e.code).toBe('drive-auth');
    expect(e.reason).toBe('invalid_grant');
    expect(e.message).toMatch(/^Drive link expired: reconnect/);
    expect(e.message).toMatch(/Testing.*7 days.*publish/);

    // A grant Google revoked (7 days in Testing mode) fails the first request of a fresh remote too.
    const fresh = await open();
    drive.emu.revokeGrants();
    const e2 = await driveFailure(fresh.remote.listAll({ parentId: 'root' }));
    expect(e2.message).toMatch(/^Drive link expired/);
  });

  it("uploadLimitExceeded: waits for Google's limit and says when it resumes", async () => {
    const { remote, clock } = await open();
    const f = await folder(remote);
    drive.emu.fault({ kind: 'upload-limit', op: 'files.create.multipart' });
    const e = await driveFailure(
      remote.upload({
        parentId: f.id,
        name: 'ul',
        source: { stream: Readable.from([Buffer.from('x')]), size: 1 },
      }),
    );
    expect(e.code).toBe('drive-limit');
    expect(e.resumesAt).toBe(clock.now() + 60 * 60_000);
    expect(e.message).toMatch(/^Waiting for Google's daily limit, resumes about \d\d:\d\d\.$/);
  });

  it("userRateLimitExceeded past the backoff is Google's daily limit; the next try is one probe", async () => {
    const { remote, clock, backoffs } = await open({ backoff: { random: () => 0, maxAttempts: 8 } });
    const cap = drive.emu.fault({ kind: 'user-rate-limit', times: 1000, op: 'about.get' });
    const e = await driveFailure(remote.about());
    expect(e.code).toBe('drive-limit');
    expect(e.reason).toBe('userRateLimitExceeded');
    expect(e.resumesAt).toBe(clock.now() + 60 * 60_000);
    expect(e.message).toMatch(/^Waiting for Google's daily limit, resumes about \d\d:\d\d\.$/);
    expect(backoffs()).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000]);
    expect(cap.fired).toBe(8);
    // Still capped an hour later: one request, and the push waits again without minutes of backoff.
    const again = await driveFailure(remote.about());
    expect(again.code).toBe('drive-limit');
    expect(cap.fired).toBe(9);
    expect(backoffs()).toHaveLength(7);
  });

  it('a remote opened while the daily limit was on probes: one answer of the limit waits again at once', async () => {
    const { remote, backoffs } = await open({ probing: true });
    const cap = drive.emu.fault({ kind: 'user-rate-limit', times: 1000, op: 'about.get' });
    expect((await driveFailure(remote.about())).code).toBe('drive-limit');
    expect([cap.fired, backoffs()]).toEqual([1, []]);
  });

  it('Retry-After in seconds or as an HTTP date is the wait before the retry', async () => {
    const { remote, clock, backoffs } = await open();
    drive.emu.fault({ kind: 'unavailable', op: 'about.get', retryAfter: '30' });
    await remote.about();
    expect(backoffs()).toEqual([30_000]);
    const at = new Date(Math.ceil(clock.now() / 1000) * 1000 + 90_000);
    drive.emu.fault({ kind: 'too-many-requests', op: 'about.get', retryAfter: at.toUTCString() });
    await remote.about();
    // The retry went at the very moment Google named.
    expect(clock.now()).toBe(at.getTime());
    expect(backoffs()[1]).toBeGreaterThan(89_000);
    drive.emu.fault({ kind: 'user-rate-limit', op: 'about.get', retryAfter: '45' });
    await remote.about();
    expect(backoffs()[2]).toBe(45_000);
  });

  it('a long Retry-After is not slept inside the request: the push waits until then', async () => {
    const { remote, clock } = await open();
    const f = drive.emu.fault({ kind: 'too-many-requests', op: 'about.get', times: 5, retryAfter: '7200' });
    const e = await driveFailure(remote.about());
    expect(e.code).toBe('drive-limit');
    expect(e.resumesAt).toBe(clock.now() + 7200_000);
    expect(e.message).toMatch(/^Waiting for Google's rate limit, resumes about/);
    expect(f.fired).toBe(1);
  });

  it('a 429 that persists past the retries becomes a wait, not a failure', async () => {
    const { remote, clock } = await open({ backoff: { random: () => 0, maxAttempts: 4 } });
    drive.emu.fault({ kind: 'too-many-requests', times: 100, op: 'about.get' });
    const e = await driveFailure(remote.about());
    expect(e.code).toBe('drive-limit');
    expect(e.resumesAt).toBe(clock.now() + 10 * 60_000);
    expect(drive.emu.count('about.get', 429)).toBe(4);
  });

  it('a create whose answer is lost is not made twice', async () => {
    const { remote } = await open({ chunkSize: MiB });
    drive.emu.fault({ kind: 'drop-response', op: 'files.create' });
    const a = await remote.ensureFolder(['Cairn', 'faults', 'lost-answer']);
    expect((await remote.listAll({ parentId: a.parents[0], name: 'lost-answer' })).map((f) => f.id)).toEqual([
      a.id,
    ]);

    drive.emu.fault({ kind: 'drop-response', op: 'files.create.multipart' });
    const data = crypto.randomBytes(1000);
    const r = await remote.upload({
      parentId: a.id,
      name: 'once',
      source: { stream: Readable.from([data]), size: data.length },
      appProperties: { cairnKind: 'pack' },
    });
    expect(r.reused).toBe(true);
    expect(drive.emu.count('files.create.multipart')).toBe(1);

    // The last chunk's answer is lost: the status query returns the finished file.
    drive.emu.fault({ kind: 'drop-response', op: 'files.upload.chunk', skip: 1 });
    const { file, md5 } = randomFile(drive.work, 'lost-last.bin', 2 * MiB);
    const big = await remote.upload({ parentId: a.id, name: 'big', source: { path: file } });
    expect(big.file.md5Checksum).toBe(md5);
    const listed = await remote.listAll({ parentId: a.id });
    expect(listed.map((f) => f.name).sort()).toEqual(['big', 'once']);
  });

  it('an expired upload session restarts a file upload from the start; a stream cannot, and says so', async () => {
    const { remote } = await open({ chunkSize: 256 * 1024 });
    const f = await folder(remote);
    const { file, md5 } = randomFile(drive.work, 'expired.bin', MiB);
    drive.emu.fault({ kind: 'expire-session', skip: 2 });
    const r = await remote.upload({ parentId: f.id, name: 'expired', source: { path: file } });
    expect(r.file.md5Checksum).toBe(md5);
    expect(drive.emu.count('files.create.resumable', 200)).toBe(2);
    expect(drive.emu.count('files.upload.chunk', 404)).toBe(1);

    drive.emu.fault({ kind: 'expire-session', skip: 1 });
    const e = await driveFailure(
      remote.upload({
        parentId: f.id,
        name: 'expired-stream',
        source: { stream: fs.createReadStream(file) },
      }),
    );
    expect(e.status).toBe(404);
    expect(await remote.listAll({ parentId: f.id })).toHaveLength(1);
  });

  it('stops at once when cancelled, leaving nothing on Drive', async () => {
    const { remote } = await open({ chunkSize: 256 * 1024 });
    const f = await folder(remote);
    const { file } = randomFile(drive.work, 'cancel.bin', MiB);
    const ac = new AbortController();
    const e = await remote
      .upload({
        parentId: f.id,
        name: 'cancel',
        source: { path: file },
        signal: ac.signal,
        onProgress: (n) => {
          if (n >= 512 * 1024) ac.abort();
        },
      })
      .catch((err: unknown) => err as { code?: string });
    expect(e).toMatchObject({ code: 'cancelled' });

    // Cancelled while a chunk is on the wire (the abort lands after the request has started).
    const { file: big } = randomFile(drive.work, 'cancel-big.bin', 8 * MiB);
    const wire = new AbortController();
    drive.emu.reset();
    const e2 = await remote
      .upload({
        parentId: f.id,
        name: 'cancel-big',
        source: { path: big },
        signal: wire.signal,
        onProgress: (n) => {
          if (n >= MiB) setImmediate(() => wire.abort());
        },
      })
      .catch((err: unknown) => err as { code?: string });
    expect(e2).toMatchObject({ code: 'cancelled' });
    expect(drive.emu.uploadedBytes()).toBeLessThan(8 * MiB);
    expect(await remote.listAll({ parentId: f.id })).toEqual([]);
  });
});
