import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, fakeClock } from '../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../test/drive-emulator/server';
import { makeRig } from '../../../test/helpers/engine';
import { tempDir } from '../../../test/helpers/tmp';
import { writeTree } from '../../../test/helpers/tree';
import { afterBackup } from '../app/afterBackup';
import { JobCoordinator } from '../app/jobs';
import { listActivity } from '../catalog/activity';
import { openDrive } from '../drive/index';
import { pushPlan } from '../drive/pack/push';
import { driveCopy, findDrivePlan, listDriveManifests, listPacks } from '../drive/pack/store';
import { planHealth } from '../health/planHealth';
import { FileSecretStore } from '../secrets/store';
import { openRemote, pushRemote, remoteStates } from './ops';
import { addRemote, remoteSecretKey } from './registry';
import { startS3Server } from '../../../test/s3-server/server';
import { updatePlan, type Plan } from '../catalog/plans';
import { driveSettings } from '../drive/pack/settings';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

describe('remoteStates (from the catalog alone)', () => {
  it('gives each remote its plans: last push, backups there, bytes waiting, and one word', async () => {
    const rig = makeRig();
    const { db, plan } = rig;
    const secrets = new FileSecretStore(rig.dataDir);
    const nas = addRemote(db, {
      name: 'nas',
      kind: 'rclone',
      config: { remote: 'nas:backups', configFile: null },
      planIds: [plan.id],
      now: 1,
    });
    const now = () => rig.clock.now;
    const states = () => remoteStates({ db, secrets, now });
    writeTree(rig.src, { 'a.txt': 'alpha' });
    await rig.backup();
    expect((await states()).map((s) => [s.name, s.kind, s.label, s.state])).toEqual([
      ['drive', 'drive', 'Google Drive', 'never'],
      ['nas', 'rclone', 'nas:backups', 'never'],
    ]);
    const { remote } = await openDrive({
      secrets,
      env: emulatorEnv(emu, emu.issueRefreshToken()),
      clock: fakeClock(),
    });
    const pushed = await pushPlan({
      db,
      plan,
      remote,
      remoteId: nas.id,
      secrets,
      machine: 'box',
      now,
      actor: 't',
    });
    const at = rig.clock.now;
    expect((await states())[1]).toEqual({
      name: 'nas',
      kind: 'rclone',
      label: 'nas:backups',
      autoPush: true,
      plans: [
        {
          plan: 'docs',
          lastPushAt: at,
          lastPushBytes: pushed.bytesUploaded,
          bytesWaiting: 0,
          backupsOnRemote: 1,
          error: null,
          resumesAt: null,
        },
      ],
      state: 'ok',
    });
    writeTree(rig.src, { 'b.txt': 'twelve bytes' });
    await rig.backup();
    const [drive, after] = await states();
    expect([drive!.state, drive!.plans[0]!.bytesWaiting]).toEqual(['never', 5 + 12]);
    expect([after!.state, after!.plans[0]!.bytesWaiting]).toEqual(['waiting', 12]);
  });
});

describe('after a backup', () => {
  it('Drive is pushed as before; a remote that fails is recorded, logged and named by health, the next still pushed', async () => {
    const rig = makeRig();
    const { db, plan } = rig;
    const secrets = new FileSecretStore(rig.dataDir);
    // A store that cannot be reached: rclone names a remote its (empty) config file does not have.
    const offsite = addRemote(db, {
      name: 'offsite',
      kind: 'rclone',
      config: { remote: 'missing:backups', configFile: `${tempDir()}/rclone.conf` },
      planIds: [plan.id],
      now: 1,
    });
    // Then one that works: rclone's local backend, a folder on this machine.
    const conf = path.join(tempDir(), 'rclone.conf');
    fs.writeFileSync(conf, '[disk]\ntype = local\n');
    const diskDir = tempDir();
    addRemote(db, {
      name: 'disk',
      kind: 'rclone',
      config: { remote: `disk:${diskDir}`, configFile: conf },
      planIds: [plan.id],
      now: 1,
    });
    writeTree(rig.src, { 'a.txt': 'alpha' });
    await rig.backup();
    const drive = {
      secrets,
      env: emulatorEnv(emu, emu.issueRefreshToken()),
      workDir: rig.dataDir,
      store: { clock: fakeClock() }, // the stores' retries wait on it: none of their backoff takes time here
    };
    const now = () => rig.clock.now;
    const r = afterBackup({ db, jobs: new JobCoordinator(now), drive, now, actor: 'test' }, plan);
    expect((await r.push)?.pushed).toHaveLength(1);
    const [off, disk] = await r.remotes;
    expect(off).toMatchObject({ remote: 'offsite', result: null });
    expect(disk).toMatchObject({ remote: 'disk', error: null });
    expect(disk!.result?.pushed).toHaveLength(1);
    expect(fs.readdirSync(path.join(diskDir, 'Cairn'))).toHaveLength(1);
    expect(listDriveManifests(db, driveCopy(plan.id))).toHaveLength(1);

    const row = findDrivePlan(db, { remoteId: offsite.id, planId: plan.id })!;
    expect([row.lastErrorAt, row.lastPushAt, row.lastErrorMessage]).toEqual([
      rig.clock.now,
      null,
      expect.any(String),
    ]);
    const log = listActivity(db, { limit: 10 }).map((a) => a.message);
    expect(
      log.some((m) => /remote offsite \(missing:backups\) after the backup did not complete/.test(m)),
    ).toBe(true);
    const h = planHealth(db, plan, rig.clock.now, {
      timezone: 'UTC',
      statFs: () => ({ freeBytes: 1e12, totalBytes: 2e12 }),
    });
    expect([h.state, h.issues.map((i) => i.kind)]).toEqual(['attention', ['remote-behind']]);
    expect(h.reasons[0]).toContain('The copy on remote offsite (missing:backups) is behind: ');
    const st = await remoteStates({ db, secrets, now });
    expect(st.map((s) => s.state)).toEqual(['ok', 'error', 'ok']);
    expect(st[1]!.plans[0]!.error?.message).toBe(row.lastErrorMessage);
  });
});

describe('a path store (S3) replacing a small file by name', () => {
  it("keeps the plan file it just uploaded when the plan changes (the new copy has the old one's key)", async () => {
    const s3 = await startS3Server();
    try {
      const rig = makeRig();
      const secrets = new FileSecretStore(rig.dataDir);
      await secrets.set(remoteSecretKey('vault'), JSON.stringify(s3.credentials));
      const vault = addRemote(rig.db, {
        name: 'vault',
        kind: 's3',
        config: s3.config('m/'),
        planIds: [rig.plan.id],
        now: 1,
      });
      const push = (plan: Plan) =>
        pushRemote({ db: rig.db, plan, remote: vault, secrets, now: () => rig.clock.now, actor: 't' });
      writeTree(rig.src, { 'a.txt': 'alpha' });
      await rig.backup();
      await push(rig.plan);
      const planKey = `m/Cairn/${driveSettings(rig.db).machine}/docs/plan.json`;
      const store = await openRemote(rig.db, vault, { secrets });
      const before = await store.get(planKey);
      const changed = updatePlan(rig.db, 'docs', { excludes: ['*.tmp'] }, rig.clock.now + 1);
      await push(changed);
      const after = await store.get(planKey);
      expect(after.md5Checksum).not.toBe(before.md5Checksum);
      const parts: Buffer[] = [];
      for await (const c of await store.download(planKey)) parts.push(c as Buffer);
      expect(JSON.parse(Buffer.concat(parts).toString())).toMatchObject({ excludes: ['*.tmp'] });
    } finally {
      await s3.close();
    }
  });
});

describe('a store that asks for smaller packs', () => {
  it("packs to the remote's packTargetBytes (rclone: 8 MiB, as it cannot resume a file)", async () => {
    const rig = makeRig();
    const secrets = new FileSecretStore(rig.dataDir);
    const conf = path.join(tempDir(), 'rclone.conf');
    fs.writeFileSync(conf, '[disk]\ntype = local\n');
    const disk = addRemote(rig.db, {
      name: 'disk',
      kind: 'rclone',
      config: { remote: `disk:${tempDir()}`, configFile: conf },
      planIds: [rig.plan.id],
      now: 1,
    });
    const MiB = 1024 * 1024;
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(rig.src, `f${i}.bin`), crypto.randomBytes(MiB));
    await rig.backup();
    const r = await pushRemote({
      db: rig.db,
      plan: rig.plan,
      remote: disk,
      secrets,
      now: () => rig.clock.now,
      actor: 't',
    });
    const packs = listPacks(rig.db, { remoteId: disk.id, planId: rig.plan.id });
    expect(r.packsUploaded).toBe(packs.length);
    // 20 MiB of content in packs of at most 8 MiB: three packs (one of 32 MiB by default).
    expect(packs.map((p) => p.contentBytes)).toEqual([8 * MiB, 8 * MiB, 4 * MiB]);
  });
});
