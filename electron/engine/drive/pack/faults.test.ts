import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../../../test/drive-emulator/faults';
import { emulatorEnv, fakeClock } from '../../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { makeCorpus, pushBase } from '../../../../test/helpers/driveKit';
import { makeRig, type Rig } from '../../../../test/helpers/engine';
import { tempDir } from '../../../../test/helpers/tmp';
import { diffTrees } from '../../../../test/helpers/tree';
import { latestGoodBackup } from '../../catalog/backups';
import { restoreBackup } from '../../restore/restore';
import { DriveError } from '../errors';
import { openDrive, type OpenDriveOptions } from '../index';
import { FileSecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import { pushPlan, type PushOptions } from './push';
import { openDriveRestore } from './restoreSource';
import { pushAfterBackup } from './afterBackup';
import { driveCopy, drivePlan, findDrivePlan, listPacks, updateDrivePlan } from './store';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

let emu: DriveEmulator;
/** The clock of the test under way, which the emulator's timed faults follow too. */
let testNow: () => number = Date.now;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir(), now: () => testNow() });
});
afterAll(async () => {
  await emu.stop();
});
beforeEach(() => emu.reset());

let n = 0;
async function setup() {
  const rig = makeRig();
  makeCorpus(rig.src, { small: 30, large: 1, largeBytes: 600 * 1024 });
  await rig.backup();
  const secrets = new FileSecretStore(rig.dataDir);
  const clock = fakeClock();
  testNow = clock.now;
  const machine = `faults-${++n}`;
  const open = async (extra: Partial<OpenDriveOptions> = {}) =>
    (
      await openDrive({
        secrets,
        env: emulatorEnv(emu, emu.issueRefreshToken()),
        clock,
        chunkSize: 256 * 1024,
        multipartMaxBytes: 256 * 1024,
        ...extra,
      })
    ).remote;
  const push = (remote: DriveRemote, extra: Partial<PushOptions> = {}) =>
    pushPlan({
      ...pushBase(rig, remote, secrets, machine),
      now: () => clock.now(),
      clock,
      packTargetBytes: 128 * 1024,
      ...extra,
    });
  return { rig, secrets, clock, open, push, machine };
}

/** Restores the latest backup from Drive alone and compares it with the source. */
async function restoresFromDrive(rig: Rig, remote: DriveRemote, secrets: FileSecretStore): Promise<void> {
  const backup = latestGoodBackup(rig.db, rig.plan.id)!;
  const d = await openDriveRestore({
    db: rig.db,
    plan: rig.plan,
    stamp: backup.stamp,
    remote,
    remoteId: DRIVE_REMOTE_ID,
    secrets,
    workDir: tempDir(),
  });
  const to = tempDir();
  const s = await restoreBackup({
    db: rig.db,
    plan: rig.plan,
    backup,
    to,
    now: () => Date.now(),
    actor: 'test',
    ...d,
  });
  expect(s.failed).toBe(0);
  expect(diffTrees(rig.src, path.join(to, 'src'), { mode: true })).toEqual([]);
}

function noDuplicateNames(): void {
  const names = emu
    .files()
    .filter((f) => f.mimeType !== 'application/vnd.google-apps.folder')
    .map((f) => `${f.parents[0]}/${f.name}`);
  expect(names.length).toBe(new Set(names).size);
}

const recovered: [string, FaultSpec][] = [
  ['an expired access token (401)', { kind: 'expire-token', op: 'files.create' }],
  ['429 three times', { kind: 'too-many-requests', times: 3, op: 'files.create' }],
  ['403 userRateLimitExceeded', { kind: 'user-rate-limit', times: 2 }],
  ['500 twice', { kind: 'server-error', times: 2, op: 'files.upload.chunk' }],
  [
    'a connection dropped mid-upload',
    { kind: 'drop-upload', op: 'files.upload.chunk', skip: 1, afterBytes: 100_000 },
  ],
  ['a create whose answer was lost', { kind: 'drop-response', op: 'files.create.multipart', skip: 2 }],
];

describe('push under Drive faults', () => {
  for (const [what, spec] of recovered) {
    it(`rides out ${what}: the push completes, nothing twice, and the backup restores from Drive`, async () => {
      const { rig, secrets, open, push } = await setup();
      const remote = await open();
      const f = emu.fault(spec);
      const r = await push(remote);
      expect(f.fired).toBeGreaterThan(0);
      expect(r.pushed).toHaveLength(1);
      noDuplicateNames();
      await restoresFromDrive(rig, remote, secrets);
    });
  }

  it('stops cleanly when Drive is full, says so, leaves the backup alone, and the next push completes', async () => {
    const { rig, secrets, open, push } = await setup();
    const remote = await open();
    emu.fault({ kind: 'storage-quota', op: 'files.create', skip: 2, times: 100 });
    const err = await push(remote).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriveError);
    expect((err as DriveError).code).toBe('drive-quota');
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.lastErrorMessage).toMatch(
      /Drive is full.*Local backups are untouched/,
    );
    const stamp = latestGoodBackup(rig.db, rig.plan.id)!.stamp;
    expect(diffTrees(rig.src, path.join(rig.backupDir(stamp), 'src'))).toEqual([]);
    emu.reset();
    const r = await push(remote);
    expect(r.pushed).toHaveLength(1);
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.lastErrorMessage).toBeNull();
    await restoresFromDrive(rig, remote, secrets);
  });

  it('stops on a revoked grant with "Drive link expired", and completes after reconnecting', async () => {
    const { rig, secrets, open, push } = await setup();
    const remote = await open();
    emu.revokeGrants();
    emu.fault({ kind: 'expire-token', op: 'files.list' });
    const err = (await push(remote).catch((e: unknown) => e)) as DriveError;
    expect(err.code).toBe('drive-auth');
    expect(err.message).toMatch(/Drive link expired: reconnect/);
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.lastErrorCode).toBe('invalid_grant');
    const again = await open(); // a new grant, as after `cairn drive connect`
    const r = await push(again);
    expect(r.pushed).toHaveLength(1);
    await restoresFromDrive(rig, again, secrets);
  });

  it("waits for Google's daily upload limit and goes on by itself", async () => {
    const { rig, open, push, clock } = await setup();
    const remote = await open();
    emu.fault({ kind: 'upload-limit', op: 'files.create', skip: 1 });
    const waits: number[] = [];
    const r = await push(remote, { onProgress: (p) => p.waitingUntil && waits.push(p.waitingUntil) });
    expect(r.pushed).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(clock.slept.some((ms) => ms >= 59 * 60_000)).toBe(true);
    expect(listPacks(rig.db, driveCopy(rig.plan.id), 'staged')).toEqual([]);
  });

  /** Google's daily cap as observed: 403 userRateLimitExceeded on every upload until `forMs` have passed. */
  function dailyCap(start: number, forMs: number) {
    return ['files.create.multipart', 'files.create.resumable'].map((op) =>
      emu.fault({ kind: 'user-rate-limit', op, untilMs: start + forMs }),
    );
  }

  it("userRateLimitExceeded for 10 minutes: waits for Google's daily limit, says when, and completes by itself", async () => {
    const { rig, secrets, open, push, clock } = await setup();
    const remote = await open();
    dailyCap(clock.now(), 10 * 60_000);
    const seen: { at: number; until: number; resumesAt: number | null; message: string | null }[] = [];
    const r = await push(remote, {
      onProgress: (p) => {
        if (!p.waitingUntil) return;
        const st = findDrivePlan(rig.db, driveCopy(rig.plan.id));
        seen.push({
          at: clock.now(),
          until: p.waitingUntil,
          resumesAt: st?.resumesAt ?? null,
          message: st?.lastErrorMessage ?? null,
        });
      },
    });
    expect(seen).toHaveLength(1);
    const w = seen[0]!;
    expect(w.message).toMatch(/^Waiting for Google's daily limit, resumes about \d\d:\d\d\.$/);
    expect(w.resumesAt).toBe(w.until);
    expect(w.until - w.at).toBe(60 * 60_000);
    expect(r.pushed).toHaveLength(1);
    const st = findDrivePlan(rig.db, driveCopy(rig.plan.id))!;
    expect([st.resumesAt, st.lastErrorMessage]).toEqual([null, null]);
    await restoresFromDrive(rig, remote, secrets);
  });

  it('a daily limit that lasts 3 hours costs one probe an hour, not minutes of retries over and over', async () => {
    const { rig, open, push, clock } = await setup();
    const remote = await open();
    const start = clock.now();
    const cap = dailyCap(start, 3 * 3600_000);
    const r = await push(remote);
    expect(r.pushed).toHaveLength(1);
    // 8 tries with backoff, then one probe at each hour while the cap lasts.
    expect(cap.reduce((n, f) => n + f.fired, 0)).toBe(10);
    expect(clock.now() - start).toBeLessThan(3 * 3600_000 + 10 * 60_000);
    expect(listPacks(rig.db, driveCopy(rig.plan.id), 'staged')).toEqual([]);
  });

  it("a backup while a push waits for Google's daily limit does not start another push or wait an hour", async () => {
    const { rig, secrets, clock } = await setup();
    const resumesAt = clock.now() + 40 * 60_000;
    drivePlan(rig.db, driveCopy(rig.plan.id), 'laptop');
    updateDrivePlan(rig.db, driveCopy(rig.plan.id), {
      resumesAt,
      lastErrorCode: 'userRateLimitExceeded',
      lastErrorMessage: "Waiting for Google's daily limit, resumes about 10:40.",
      lastErrorAt: clock.now(),
    });
    const told: unknown[] = [];
    const r = await pushAfterBackup({
      db: rig.db,
      plan: rig.plan,
      secrets,
      env: emulatorEnv(emu, emu.issueRefreshToken()),
      now: () => clock.now(),
      actor: 'test',
      onError: (e) => told.push(e),
    });
    expect(r).toBeNull();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ code: 'drive-limit', resumesAt });
    expect((told[0] as Error).message).toMatch(
      /^Waiting for Google's daily limit, resumes about \d\d:\d\d\.$/,
    );
    expect(emu.log).toEqual([]);
  });

  it('with waiting off, a limit stops the push with "resumes about HH:MM" and the next push completes', async () => {
    const { rig, secrets, open, push } = await setup();
    const remote = await open();
    emu.fault({ kind: 'upload-limit', op: 'files.create', skip: 3 });
    const err = (await push(remote, { waitForLimits: false }).catch((e: unknown) => e)) as DriveError;
    expect(err.code).toBe('drive-limit');
    expect(err.message).toMatch(/Waiting for Google's daily limit, resumes about \d\d:\d\d/);
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.resumesAt).toBe(err.resumesAt);
    const before = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded').length;
    const r = await push(remote);
    expect(r.pushed).toHaveLength(1);
    expect(r.packsUploaded + before).toBe(listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded').length);
    noDuplicateNames();
    await restoresFromDrive(rig, remote, secrets);
    fs.rmSync(rig.root, { recursive: true, force: true });
  });

  const twice401: [string, FaultSpec][] = [
    ['on an upload chunk', { kind: 'expire-token', times: 2, op: 'files.upload.chunk' }],
    ['on two consecutive requests', { kind: 'expire-token', times: 2, skip: 5 }],
  ];
  for (const [where, spec] of twice401) {
    it(`401 twice in a row mid-push (${where}) recovers: two refreshes, and the backup restores from Drive`, async () => {
      const { rig, secrets, open, push } = await setup();
      const remote = await open();
      const f = emu.fault(spec);
      const r = await push(remote);
      expect(f.fired).toBe(2);
      expect(remote.stats.refreshes).toBe(2);
      expect(r.pushed).toHaveLength(1);
      noDuplicateNames();
      await restoresFromDrive(rig, remote, secrets);
    });
  }

  it('invalid_grant on a refresh after a refresh that worked still stops with "reconnect"', async () => {
    const { rig, open, push } = await setup();
    const remote = await open();
    await remote.about(); // the first access token is in hand
    emu.fault({ kind: 'expire-token', times: 2, op: 'files.create' });
    emu.fault({ kind: 'invalid-grant', skip: 1 });
    const err = (await push(remote).catch((e: unknown) => e)) as DriveError;
    expect(err).toBeInstanceOf(DriveError);
    expect(err.code).toBe('drive-auth');
    expect(err.message).toMatch(/^Drive link expired: reconnect/);
    expect(remote.stats.refreshes).toBe(2);
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.lastErrorCode).toBe('invalid_grant');
  });

  it('an endless 401 stops at the refresh budget with a clear message, and the next push completes', async () => {
    const { rig, secrets, open, push } = await setup();
    const remote = await open({ maxRefreshes: 3 });
    const f = emu.fault({ kind: 'expire-token', times: 1000, skip: 2 });
    const err = (await push(remote).catch((e: unknown) => e)) as DriveError;
    expect(err).toBeInstanceOf(DriveError);
    expect(err.code).toBe('drive');
    expect(err.message).toMatch(
      /^Google kept refusing the Drive access token \(.+\) after 3 token refreshes in this push; Cairn tries again at the next push/,
    );
    expect(remote.stats.refreshes).toBe(3);
    expect(f.fired).toBe(4);
    expect(findDrivePlan(rig.db, driveCopy(rig.plan.id))?.lastErrorMessage).toBe(err.message);
    emu.reset();
    const again = await open();
    expect((await push(again)).pushed).toHaveLength(1);
    await restoresFromDrive(rig, again, secrets);
  });
});
