import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { driveRig } from '../../../../test/helpers/driveKit';
import { tempDir } from '../../../../test/helpers/tmp';
import { diffTrees } from '../../../../test/helpers/tree';
import { latestGoodBackup } from '../../catalog/backups';
import { restoreBackup } from '../../restore/restore';
import { openDriveRestore } from './restoreSource';
import { pruneDrive, setDrivePolicy } from './retention';
import { PIECE_SIZE } from './layout';
import { driveCopy, driveHasContent, listDriveManifests, listPacks } from './store';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

const write = (root: string, rel: string, size: number) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), crypto.randomBytes(size));
};

/** The Drive policy that keeps the newest backup alone. */
const KEEP_LAST_ONE = { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };

describe('Drive retention', () => {
  it('drops backups its policy no longer keeps, deletes dead packs, rewrites mostly-dead ones, and the kept backup still restores', async () => {
    const machine = 'retention';
    const { rig, secrets, remote, base, push } = await driveRig(emu, { machine, packTargetBytes: 4 << 20 });
    for (let i = 0; i < 20; i++) write(rig.src, `keep/a${i}`, 1024);
    for (let i = 0; i < 10; i++) write(rig.src, `gone/b${i}`, 20 * 1024);
    write(rig.src, 'big.bin', 3 << 20);
    const first = (await rig.backup()).backup.stamp;
    await push();
    const [mixed, big] = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded')
      .sort((a, b) => a.members - b.members)
      .reverse();
    expect(big!.members).toBe(1);

    rig.clock.now += 86_400_000;
    fs.rmSync(path.join(rig.src, 'gone'), { recursive: true });
    fs.rmSync(path.join(rig.src, 'big.bin'));
    for (let i = 0; i < 5; i++) write(rig.src, `new/c${i}`, 2048);
    await rig.backup();
    await push();

    setDrivePolicy(rig.db, DRIVE_REMOTE_ID, rig.plan, machine, KEEP_LAST_ONE);
    const dry = await pruneDrive({ ...base, workDir: tempDir(), dryRun: true });
    expect(dry.pruned).toEqual([first]);
    expect(listDriveManifests(rig.db, driveCopy(rig.plan.id))).toHaveLength(2);

    const r = await pruneDrive({ ...base, workDir: tempDir() });
    expect(r).toMatchObject({ pruned: [first], packsDeleted: 1, packsRewritten: 1 });
    expect(r.freedBytes).toBeGreaterThan(3 << 20);
    const onDrive = new Set(emu.files().map((f) => f.name));
    expect(onDrive.has(big!.name)).toBe(false);
    expect(onDrive.has(mixed!.name)).toBe(false);
    expect([...onDrive].some((n) => n.startsWith(first))).toBe(false);

    // The kept backup's pack map names only packs that are on Drive, and it restores from Drive alone.
    const kept = listDriveManifests(rig.db, driveCopy(rig.plan.id))[0]!;
    const map = zlib.gunzipSync(emu.readFile(kept.mapFileId)).toString().trim().split('\n');
    for (const l of map) expect(onDrive.has(l.split('\t')[1]!)).toBe(true);
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
    expect(diffTrees(rig.src, path.join(to, 'src'))).toEqual([]);

    // The pruned backup is still on the local disk, but no push sends it to Drive again.
    const again = await push();
    expect(again.packsUploaded).toBe(0);
    expect(again.pushed).toEqual([]);
  });

  it('keeps the pieces a kept backup uses: a pieced file changed in 6 of its 9 pieces leaves a mostly-dead pack that is rewritten, and the map lines name the new pack', async () => {
    const machine = 'retention-pieces';
    const { rig, base: o, push } = await driveRig(emu, { machine, packTargetBytes: 64 << 20 });
    // 72 MiB, mostly holes: each piece starts with its own random 64 KiB (pieces differ, packs stay small).
    const file = path.join(rig.src, 'disk.img');
    const mark = (pieces: number[]) => {
      const fd = fs.openSync(file, 'r+');
      for (const i of pieces) fs.writeSync(fd, crypto.randomBytes(64 * 1024), 0, 64 * 1024, i * PIECE_SIZE);
      fs.closeSync(fd);
    };
    fs.writeFileSync(file, '');
    fs.truncateSync(file, 9 * PIECE_SIZE);
    mark([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await rig.backup();
    expect((await push()).contentBytes).toBe(9 * PIECE_SIZE);
    const first = latestGoodBackup(rig.db, rig.plan.id)!;
    expect(listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded').map((p) => p.members)).toEqual([8, 1]);

    rig.clock.now += 86_400_000;
    mark([0, 1, 2, 3, 4, 5]);
    await rig.backup();
    expect((await push()).contentBytes).toBe(6 * PIECE_SIZE); // only the changed pieces
    expect(rig.db.prepare('SELECT COUNT(*) FROM drive_pieces').pluck().get()).toBe(18);
    const versions = rig.db.prepare('SELECT DISTINCT sha256 FROM drive_pieces').pluck().all() as string[];
    const has = driveHasContent(rig.db, driveCopy(rig.plan.id));
    expect(versions.map(has)).toEqual([true, true]);
    setDrivePolicy(rig.db, DRIVE_REMOTE_ID, rig.plan, machine, KEEP_LAST_ONE);
    const r = await pruneDrive({ ...o, workDir: tempDir() });
    expect(r).toMatchObject({ pruned: [first.stamp], packsDeleted: 0, packsRewritten: 1 });
    const pieceRows = rig.db.prepare('SELECT COUNT(*) FROM drive_pieces').pluck();
    expect(pieceRows.get()).toBe(9); // the pruned version's piece list is forgotten
    expect(versions.map(driveHasContent(rig.db, driveCopy(rig.plan.id))).sort()).toEqual([false, true]);

    const onDrive = new Set(emu.files().map((f) => f.name));
    const kept = listDriveManifests(rig.db, driveCopy(rig.plan.id))[0]!;
    const map = zlib.gunzipSync(emu.readFile(kept.mapFileId)).toString().trim().split('\n');
    expect(map.map((l) => Number(l.split('\t')[2]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    for (const l of map) expect(onDrive.has(l.split('\t')[1]!)).toBe(true);
    const backup = latestGoodBackup(rig.db, rig.plan.id)!;
    const d = await openDriveRestore({ ...o, stamp: backup.stamp, workDir: tempDir() });
    const to = tempDir();
    const s = await restoreBackup({ ...o, backup, to, now: () => Date.now(), ...d });
    expect(s.failed).toBe(0);
    expect(diffTrees(rig.src, path.join(to, 'src'))).toEqual([]);
  });
});
