import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../test/helpers/engine';
import { writeTree } from '../../../test/helpers/tree';
import { pushAfterBackup } from '../drive/pack/afterBackup';
import { driveCopy, drivePlan, recordDriveQuota, updateDrivePlan } from '../drive/pack/store';
import { FileSecretStore } from '../secrets/store';
import { planHealth } from './planHealth';
import type { StatFs } from './space';

const DAY = 86_400_000;
const GiB = 1024 ** 3;
let rig: Rig | null = null;
afterEach(() => {
  rig?.db.close();
  rig = null;
});

/** A statfs that answers for the rig's destination only, with the given free bytes of 100 GiB. */
const disk =
  (freeBytes: number): StatFs =>
  () => ({ freeBytes, totalBytes: 100 * GiB });

function look(r: Rig, o: { statFs?: StatFs; backupRunning?: boolean } = {}) {
  return planHealth(r.db, r.plan, r.clock.now, { timezone: 'UTC', statFs: o.statFs ?? disk(50 * GiB), ...o });
}

async function daily(r: Rig): Promise<void> {
  r.clock.now += DAY;
  await r.backup();
}

describe('planHealth (catalog, backup disk and Drive state as they are now)', () => {
  it('says first-backup while the first one runs, waiting-disk while the disk is away, waiting-run once it is back', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.txt': 'alpha' });
    expect(look(r).state).toBe('attention');
    expect(look(r, { backupRunning: true }).state).toBe('first-backup');
    await r.backup();
    expect(look(r).state).toBe('healthy');
    fs.renameSync(r.dest, r.dest + '.away');
    expect(look(r).state).toBe('waiting-disk');
    await expect(r.backup()).rejects.toThrow(/is not there/);
    expect(look(r).state).toBe('waiting-disk');
    fs.renameSync(r.dest + '.away', r.dest);
    const back = look(r);
    expect([back.state, back.issues.map((i) => i.kind)]).toEqual(['waiting-run', ['waiting-run']]);
    await r.backup();
    expect(look(r).state).toBe('healthy');
  });

  it('reads free space from statfs and tells the days until full from the growth of recent backups', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.txt': 'x'.repeat(1000) });
    await r.backup();
    for (let i = 1; i <= 4; i++) {
      fs.writeFileSync(path.join(r.src, `n${i}.bin`), Buffer.alloc(1024 * 1024, i));
      await daily(r);
    }
    // 4 MiB added over 4 days: 1 MiB a day.
    const h = look(r, { statFs: disk(20 * 1024 * 1024) });
    expect(h.space).toEqual({
      freeBytes: 20 * 1024 * 1024,
      totalBytes: 100 * GiB,
      fullDays: expect.closeTo(20, 1),
    });
    expect(h.issues.map((i) => i.kind)).toEqual(['disk-space']);
    expect(h.reasons[0]).toMatch(
      /^The backup disk has 20\.0 MiB free \(0\.0% of 100\.0 GiB\); full in about 20 days/,
    );
    expect(look(r, { statFs: disk(50 * GiB) }).state).toBe('healthy');
    expect(look(r, { statFs: () => null }).space).toBeNull();
  });

  it('names a backup whose size jumps past 1.5 times the median of the 7 before it, with the folders that grew', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'Docs/a.txt': 'a'.repeat(1000), 'Music/b.txt': 'b'.repeat(1000) });
    for (let i = 0; i < 4; i++) await daily(r);
    expect(look(r).growthRatio).toBe(1);
    writeTree(r.src, { 'Videos/v.bin': 'v'.repeat(6144), 'Docs/c.txt': 'c'.repeat(500) });
    await daily(r);
    const h = look(r);
    expect(h.growthRatio).toBeCloseTo((2000 + 6144 + 500) / 2000);
    expect(h.issues.map((i) => i.kind)).toEqual(['size-jump']);
    expect(h.reasons[0]).toMatch(
      /is 4\.3 times the usual size .*; grew most: src\/Videos \(\+6\.00 KiB\), src\/Docs \(\+500 B\)\./,
    );
    // The next backup of the same size is not a new jump: it is told once, with the backup that made it.
    await daily(r);
    expect(look(r).state).toBe('healthy');
  });

  it("tells a refused Drive link (invalid_grant) and a Drive near full from the catalog's Drive state", async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.txt': 'alpha' });
    await r.backup();
    drivePlan(r.db, driveCopy(r.plan.id), 'laptop');
    expect(look(r).state).toBe('healthy');
    updateDrivePlan(r.db, driveCopy(r.plan.id), {
      lastErrorCode: 'invalid_grant',
      lastErrorMessage: 'Drive link expired: reconnect with `cairn drive connect`.',
      lastErrorAt: r.clock.now,
    });
    recordDriveQuota(r.db, { used: 14.6 * GiB, limit: 15 * GiB }, r.clock.now);
    const h = look(r);
    expect([h.state, h.issues.map((i) => i.kind)]).toEqual(['attention', ['drive-link', 'drive-quota']]);
    expect(h.reasons[0]).toMatch(/Drive copy is not kept up to date: Drive link expired/);
  });
});

describe('a plan copied to Drive before, with the Drive link gone', () => {
  it('is told by the backup that could not be pushed, and needs attention until a push works', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.txt': 'alpha' });
    await r.backup();
    drivePlan(r.db, driveCopy(r.plan.id), 'laptop');
    updateDrivePlan(r.db, driveCopy(r.plan.id), { lastPushAt: r.clock.now });
    const pushed = await pushAfterBackup({
      db: r.db,
      plan: r.plan,
      secrets: new FileSecretStore(r.dataDir), // no tokens stored
      env: { CAIRN_GOOGLE_CLIENT_ID: 'id', CAIRN_GOOGLE_CLIENT_SECRET: 'secret' },
      now: () => r.clock.now,
      actor: 'test',
    });
    expect(pushed).toBeNull();
    const h = look(r);
    expect([h.state, h.issues.map((i) => i.kind)]).toEqual(['attention', ['drive-link']]);
    expect(h.reasons[0]).toMatch(/Google Drive is not connected here, so backups of docs are not copied/);
  });

  it('is not told by a CLI backup beside the app, which keeps the link sealed by its keychain', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.txt': 'alpha' });
    await r.backup();
    drivePlan(r.db, driveCopy(r.plan.id), 'laptop');
    updateDrivePlan(r.db, driveCopy(r.plan.id), { lastPushAt: r.clock.now });
    fs.writeFileSync(path.join(r.dataDir, 'secrets.bin'), 'sealed by the app');
    const pushed = await pushAfterBackup({
      db: r.db,
      plan: r.plan,
      secrets: new FileSecretStore(r.dataDir),
      env: { CAIRN_GOOGLE_CLIENT_ID: 'id', CAIRN_GOOGLE_CLIENT_SECRET: 'secret' },
      now: () => r.clock.now,
      actor: 'test',
    });
    expect(pushed).toBeNull();
    expect(look(r).state).toBe('healthy');
  });
});
