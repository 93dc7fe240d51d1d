import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, fakeClock } from '../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../test/drive-emulator/server';
import { makeCorpus } from '../../../test/helpers/driveKit';
import { makeRig, type Rig } from '../../../test/helpers/engine';
import { tempDir } from '../../../test/helpers/tmp';
import { writeTree } from '../../../test/helpers/tree';
import { openDrive } from '../drive/index';
import { pushPlan } from '../drive/pack/push';
import { openDriveRestore } from '../drive/pack/restoreSource';
import { findDrivePlan, listDriveManifests, listPacks, type CopyId } from '../drive/pack/store';
import { verifyDrive } from '../drive/pack/verify';
import type { DriveRemote } from '../drive/types';
import { FileSecretStore } from '../secrets/store';
import {
  addRemote,
  attachPlan,
  detachPlan,
  DRIVE_REMOTE_ID,
  getRemote,
  listRemotes,
  remotePlanIds,
  remotesOfPlan,
  removeRemote,
  setAutoPush,
} from './registry';

const RCLONE = { remote: 'nas:backups', configFile: null };

describe('the remotes of a catalog', () => {
  it('has Drive as remote 1 copying every plan; others copy the plans attached, by name', () => {
    const rig = makeRig();
    const { db, plan } = rig;
    expect(listRemotes(db).map((r) => [r.id, r.name, r.kind])).toEqual([[DRIVE_REMOTE_ID, 'drive', 'drive']]);
    const nas = addRemote(db, { name: 'nas', kind: 'rclone', config: RCLONE, planIds: [], now: 5 });
    expect(nas).toMatchObject({ name: 'nas', kind: 'rclone', config: RCLONE, autoPush: true, createdAt: 5 });
    expect(remotePlanIds(db, getRemote(db, 'drive'))).toEqual([plan.id]);
    expect([remotePlanIds(db, nas), remotesOfPlan(db, plan)]).toEqual([[], []]);
    attachPlan(db, nas.id, plan.id);
    attachPlan(db, nas.id, plan.id); // twice is once
    expect(remotesOfPlan(db, plan).map((r) => r.name)).toEqual(['nas']);
    setAutoPush(db, nas.id, false);
    expect(getRemote(db, 'nas').autoPush).toBe(false);
    detachPlan(db, nas.id, plan.id);
    expect(remotePlanIds(db, nas)).toEqual([]);
  });

  it('refuses a bad or taken name, says which remotes there are, and never removes Drive', () => {
    const { db } = makeRig();
    addRemote(db, { name: 'nas', kind: 'rclone', config: RCLONE, planIds: [], now: 1 });
    const add = (name: string) => () =>
      addRemote(db, { name, kind: 'rclone', config: RCLONE, planIds: [], now: 1 });
    expect(add('nas')).toThrow(/exists already/);
    expect(add('no spaces')).toThrow(/cannot name a remote/);
    expect(() => getRemote(db, 'cloud')).toThrow('No remote named "cloud". Remotes: drive, nas.');
    expect(() => removeRemote(db, 'drive')).toThrow(/cairn drive disconnect/);
  });
});

describe('two remotes holding the same plan', () => {
  const emus: DriveEmulator[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) emus.push(await startEmulator({ dir: tempDir() }));
  });
  afterAll(async () => {
    for (const e of emus) await e.stop();
  });

  async function store(emu: DriveEmulator, rig: Rig): Promise<DriveRemote> {
    const secrets = new FileSecretStore(rig.dataDir);
    return (await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock: fakeClock() }))
      .remote;
  }

  it('keep their own packs and manifests; removing one leaves the other and Drive as they were', async () => {
    const rig = makeRig();
    const { db, plan } = rig;
    const secrets = new FileSecretStore(rig.dataDir);
    const a = addRemote(db, { name: 'a', kind: 'rclone', config: RCLONE, planIds: [plan.id], now: 1 });
    const b = addRemote(db, { name: 'b', kind: 'rclone', config: RCLONE, planIds: [plan.id], now: 1 });
    const stores = new Map([
      [DRIVE_REMOTE_ID, await store(emus[0]!, rig)],
      [a.id, await store(emus[1]!, rig)],
      [b.id, await store(emus[2]!, rig)],
    ]);
    const push = (remoteId: number) =>
      pushPlan({
        db,
        plan,
        remote: stores.get(remoteId)!,
        remoteId,
        secrets,
        machine: 'box',
        now: () => rig.clock.now,
        actor: 'test',
        packTargetBytes: 256 * 1024,
      });
    makeCorpus(rig.src, { small: 60 });
    await rig.backup();
    const first = { drive: await push(DRIVE_REMOTE_ID), a: await push(a.id), b: await push(b.id) };
    // Each remote is sent everything: content on another remote does not count as there.
    for (const r of Object.values(first)) {
      expect(r.pushed).toHaveLength(1);
      expect(r.packsUploaded).toBe(first.drive.packsUploaded);
    }
    writeTree(rig.src, { 'new.txt': 'only on a' });
    rig.clock.now += 3600_000;
    const second = await rig.backup();
    expect((await push(a.id)).pushed).toEqual([second.backup.stamp]);

    const copy = (remoteId: number): CopyId => ({ remoteId, planId: plan.id });
    const names = (remoteId: number) => listPacks(db, copy(remoteId)).map((p) => p.name);
    const stamps = (remoteId: number) => listDriveManifests(db, copy(remoteId)).map((m) => m.stamp);
    expect(new Set([...names(DRIVE_REMOTE_ID), ...names(a.id), ...names(b.id)]).size).toBe(
      names(DRIVE_REMOTE_ID).length + names(a.id).length + names(b.id).length,
    );
    expect([stamps(DRIVE_REMOTE_ID).length, stamps(a.id).length, stamps(b.id).length]).toEqual([1, 2, 1]);
    const driveBefore = { packs: listPacks(db, copy(DRIVE_REMOTE_ID)), stamps: stamps(DRIVE_REMOTE_ID) };
    const bBefore = { packs: listPacks(db, copy(b.id)), stamps: stamps(b.id) };
    const bFirst = first.b.pushed[0]!;

    const aStaging = path.join(rig.dataDir, 'remote-staging', String(a.id));
    expect(fs.existsSync(aStaging)).toBe(true);
    removeRemote(db, 'a');
    for (const t of ['drive_packs', 'drive_pack_contents', 'drive_manifests', 'drive_plans', 'remote_plans'])
      expect(db.prepare(`SELECT COUNT(*) FROM ${t} WHERE remote_id = ?`).pluck().get(a.id)).toBe(0);
    expect(emus[1]!.files().length).toBeGreaterThan(0); // nothing on the remote itself is deleted
    expect({ packs: listPacks(db, copy(DRIVE_REMOTE_ID)), stamps: stamps(DRIVE_REMOTE_ID) }).toEqual(
      driveBefore,
    );
    expect({ packs: listPacks(db, copy(b.id)), stamps: stamps(b.id) }).toEqual(bBefore);
    expect(findDrivePlan(db, copy(b.id))?.lastPushAt).not.toBeNull();
    expect((await push(b.id)).pushed).toEqual([second.backup.stamp]); // and clears a's staging folder
    expect(fs.existsSync(aStaging)).toBe(false);
    // b's copy is whole and restores on its own.
    const v = await verifyDrive({
      db,
      plan,
      remote: stores.get(b.id)!,
      remoteId: b.id,
      secrets,
      machine: 'box',
      workDir: tempDir(),
      samplePercent: 100,
      now: () => rig.clock.now,
      actor: 'test',
    });
    expect([v.problems, v.manifests]).toEqual([[], 2]);
    expect(v.sampled).toBe(listPacks(db, copy(b.id)).length);
    const r = await openDriveRestore({
      db,
      plan,
      stamp: bFirst,
      remote: stores.get(b.id)!,
      remoteId: b.id,
      secrets,
      workDir: tempDir(),
    });
    expect(r.source.describe).toMatch(/^Google Drive \(docs\//);
    await r.source.close?.();
  });
});
