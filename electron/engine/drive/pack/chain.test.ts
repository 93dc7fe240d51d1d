import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { driveRig } from '../../../../test/helpers/driveKit';
import { makeRig, type Rig } from '../../../../test/helpers/engine';
import { tempDir } from '../../../../test/helpers/tmp';
import { diffTrees } from '../../../../test/helpers/tree';
import { findBackup } from '../../catalog/backups';
import { restoreBackup } from '../../restore/restore';
import { FileSecretStore, type SecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import { catalogSource, fullMap } from './chain';
import { loadDriveKey } from './crypto';
import { planFolders } from './folders';
import { importFromDrive } from './importDrive';
import { listDriveBackups } from './remoteList';
import { openDriveRestore } from './restoreSource';
import { rewriteMap } from './repack';
import { pruneDrive, setDrivePolicy } from './retention';
import { driveCopy, listDriveManifests, listPacks } from './store';
import { verifyDrive } from './verify';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

const setup = (machine: string, password?: string) =>
  driveRig(emu, { machine, password, packTargetBytes: 1 << 20 });

const write = (root: string, rel: string, data: Buffer | string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), data);
};

/** Restores a backup from Drive alone into a new folder; the restored tree. */
async function restoreFromDrive(o: { rig: Rig; remote: DriveRemote; secrets: SecretStore; stamp: string }) {
  const { db, plan } = o.rig;
  const d = await openDriveRestore({
    db,
    plan,
    stamp: o.stamp,
    remote: o.remote,
    remoteId: DRIVE_REMOTE_ID,
    secrets: o.secrets,
    workDir: tempDir(),
  });
  const to = tempDir();
  const s = await restoreBackup({
    db,
    plan,
    backup: findBackup(db, plan.id, o.stamp)!,
    to,
    now: () => Date.now(),
    actor: 'test',
    ...d,
  });
  expect(s.failed).toBe(0);
  return to;
}

/** Restores a backup from Drive and compares it with the source as it was; removes the copy. */
async function expectRestores(o: Parameters<typeof restoreFromDrive>[0], snap: string) {
  const to = await restoreFromDrive(o);
  expect(diffTrees(snap, path.join(to, 'src')), o.stamp).toEqual([]);
  fs.rmSync(to, { recursive: true, force: true });
}

describe('incremental manifests on Drive', () => {
  it('a change of 20 files in 5,000 uploads little more than their packed content', async () => {
    const { rig, push } = await setup('small-change');
    for (let i = 0; i < 5000; i++)
      write(rig.src, `d${i % 50}/f${i}.txt`, crypto.randomBytes(200 + (i % 7) * 100).toString('hex'));
    await rig.backup();
    await push();
    const packsBefore = new Set(listPacks(rig.db, driveCopy(rig.plan.id)).map((p) => p.id));
    let changed = 0;
    for (let i = 0; i < 20; i++) {
      const data = crypto.randomBytes(6 * 1024);
      write(rig.src, `d${i}/f${i * 50 + i}.txt`, data);
      changed += data.length;
    }
    await rig.backup();
    const before = emu.uploadedBytes();
    const second = await push();
    const uploaded = emu.uploadedBytes() - before;
    expect(second.pushed).toHaveLength(1);
    expect(second.contentBytes).toBe(changed);
    const packed = listPacks(rig.db, driveCopy(rig.plan.id))
      .filter((p) => !packsBefore.has(p.id))
      .reduce((n, p) => n + p.size, 0);
    console.log(
      `drive delta push: ${changed} bytes changed in 20 of 5000 files, packed ${packed}, uploaded ${uploaded} ` +
        `(target ${Math.round(1.2 * packed + 16 * 1024)})`,
    );
    expect(uploaded).toBeLessThan(1.2 * packed + 16 * 1024);
    const m = listDriveManifests(rig.db, driveCopy(rig.plan.id))[0]!;
    expect(m.name).toMatch(/\.delta\.tsv\.gz$/);
    expect(m.mapName).toMatch(/\.packs\.delta\.tsv\.gz$/);
    fs.rmSync(rig.root, { recursive: true, force: true });
  }, 120_000);

  it('a chain of 16 backups restores byte-exact from Drive, after an import from Drive alone, and after a prune', async () => {
    const password = 'chain of sixteen';
    const { rig, remote, secrets, push, base } = await setup('chain', password);
    for (let i = 0; i < 120; i++) write(rig.src, `a/f${i}`, crypto.randomBytes(300 + i));
    const snaps = new Map<string, string>();
    const stamps: string[] = [];
    for (let b = 0; b < 16; b++) {
      if (b > 0) {
        write(rig.src, `added/n${b}`, crypto.randomBytes(500)); // added
        write(rig.src, `a/f${b}`, crypto.randomBytes(700)); // changed
        fs.rmSync(path.join(rig.src, `a/f${60 + b}`)); // removed
        fs.renameSync(path.join(rig.src, `a/f${90 + b}`), path.join(rig.src, `renamed-r${b}`)); // renamed
      }
      const stamp = (await rig.backup()).backup.stamp;
      stamps.push(stamp);
      const snap = tempDir();
      fs.cpSync(rig.src, snap, { recursive: true });
      snaps.set(stamp, snap);
      if (b % 3 !== 1) await push(); // sometimes two backups go up in one push
    }
    await push();
    const rows = listDriveManifests(rig.db, driveCopy(rig.plan.id)).reverse();
    expect(rows.map((r) => r.stamp)).toEqual(stamps);
    // Full, 13 deltas each on the one before, then full again (every 14th), then a delta.
    const parents = rows.map((r) => r.manifestParent);
    expect(parents).toEqual([null, ...stamps.slice(0, 13), null, stamps[14]]);
    expect(rows.map((r) => r.mapParent)).toEqual(parents);
    expect(rows[5]!.name).toMatch(/\.delta\.tsv\.gz\.age$/);
    for (const s of stamps) await expectRestores({ rig, remote, secrets, stamp: s }, snaps.get(s)!);
    expect((await verifyDrive({ ...base, workDir: tempDir() })).problems).toEqual([]);

    // From Drive alone: listed, imported, restored.
    const listed = (await listDriveBackups(remote)).filter((b) => b.machine === 'chain');
    expect(listed.map((b) => b.stamp).sort()).toEqual(stamps);
    const fresh = makeRig();
    const freshSecrets = new FileSecretStore(fresh.dataDir);
    const imp = await importFromDrive({
      db: fresh.db,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets: freshSecrets,
      machine: 'chain',
      password,
      cacheDir: tempDir(),
      now: () => fresh.clock.now,
      actor: 'test',
    });
    expect(imp.plans.find((p) => p.planName === 'docs')!.imported).toEqual(stamps);
    expect(listDriveManifests(fresh.db, driveCopy(fresh.plan.id)).map((r) => r.manifestParent)).toEqual(
      [...parents].reverse(),
    );
    for (const s of [stamps[3]!, stamps[13]!, stamps[15]!])
      await expectRestores({ rig: fresh, remote, secrets: freshSecrets, stamp: s }, snaps.get(s)!);

    // repack's rewriteMap writes a delta map FULL, with the same lines as the chain gave.
    const key = await loadDriveKey(secrets);
    const src = catalogSource({ db: rig.db, copy: driveCopy(rig.plan.id), remote, key });
    const mapLines = async () =>
      zlib
        .gunzipSync(fs.readFileSync(await fullMap(src, stamps[13]!, tempDir())))
        .toString()
        .split('\n')
        .sort();
    const mapBefore = await mapLines();
    expect(mapBefore.length).toBeGreaterThan(100);
    const folders = await planFolders(rig.db, remote, driveCopy(rig.plan.id), rig.plan, 'chain');
    await rewriteMap({
      db: rig.db,
      copy: driveCopy(rig.plan.id),
      remote,
      key,
      folders,
      workDir: tempDir(),
      now: () => rig.clock.now,
      stamp: stamps[13]!,
    });
    const rewritten = listDriveManifests(rig.db, driveCopy(rig.plan.id)).find((m) => m.stamp === stamps[13])!;
    expect([rewritten.mapParent, rewritten.mapName]).toEqual([null, `${stamps[13]}.packs.tsv.gz.age`]);
    expect(await mapLines()).toEqual(mapBefore);

    // A month later, keep the last 4: the parent of the oldest kept (a delta) goes, so that one is written full first.
    setDrivePolicy(rig.db, DRIVE_REMOTE_ID, rig.plan, 'chain', {
      keepLast: 4,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
    });
    rig.clock.now += 30 * 86_400_000;
    const r = await pruneDrive({ ...base, workDir: tempDir() });
    expect(r.pruned).toEqual(stamps.slice(0, 12).reverse());
    const kept = listDriveManifests(rig.db, driveCopy(rig.plan.id)).reverse();
    expect(kept.map((k) => [k.stamp, k.manifestParent, k.mapParent])).toEqual([
      [stamps[12], null, null],
      [stamps[13], stamps[12], null],
      [stamps[14], null, null],
      [stamps[15], stamps[14], stamps[14]],
    ]);
    expect(kept[0]!.name).toMatch(/^\d{4}-\d{2}-\d{2}_\d{6}\.tsv\.gz\.age$/);
    const folder = emu.files().find((f) => f.id === kept[0]!.fileId)!.parents[0];
    const names = emu
      .files()
      .filter((f) => !f.trashed && f.parents[0] === folder)
      .map((f) => f.name);
    for (const s of stamps.slice(0, 12)) expect(names.filter((n) => n.startsWith(s))).toEqual([]);
    for (const s of stamps.slice(12)) await expectRestores({ rig, remote, secrets, stamp: s }, snaps.get(s)!);
    expect((await verifyDrive({ ...base, workDir: tempDir() })).problems).toEqual([]);

    // A chain with a link the catalog lost: verify names it, and a restore says which backup is missing.
    rig.db.prepare('DELETE FROM drive_manifests WHERE stamp = ?').run(stamps[14]);
    const broken = await verifyDrive({ ...base, workDir: tempDir() });
    expect(broken.problems.map((p) => [p.problem, p.detail])).toEqual([
      ['missing', `its parent backup ${stamps[14]} is not on Drive`],
      ['missing', `its parent backup ${stamps[14]} is not on Drive`],
    ]);
    const workDir = path.join(tempDir(), 'work');
    await expect(
      openDriveRestore({
        db: rig.db,
        plan: rig.plan,
        stamp: stamps[15]!,
        remote,
        remoteId: DRIVE_REMOTE_ID,
        secrets,
        workDir,
      }),
    ).rejects.toThrow(`The manifest of backup ${stamps[14]} is not on Drive`);
    expect(fs.existsSync(workDir)).toBe(false);
    for (const d of snaps.values()) fs.rmSync(d, { recursive: true, force: true });
  }, 300_000);
});
