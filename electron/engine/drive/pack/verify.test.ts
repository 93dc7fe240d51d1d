import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, fakeClock } from '../../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { makeCorpus, pushBase } from '../../../../test/helpers/driveKit';
import { makeRig } from '../../../../test/helpers/engine';
import { tempDir } from '../../../../test/helpers/tmp';
import { openDrive } from '../index';
import { FileSecretStore } from '../../secrets/store';
import { PIECE_THRESHOLD } from './layout';
import { pushPlan } from './push';
import { driveCopy, listPacks, packOf } from './store';
import { verifyDrive } from './verify';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

describe('verifyDrive', () => {
  it('finds packs intact, removes duplicates, and reports a damaged or missing pack', async () => {
    const rig = makeRig();
    makeCorpus(rig.src, { small: 40 });
    await rig.backup();
    const secrets = new FileSecretStore(rig.dataDir);
    const clock = fakeClock();
    const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
    const base = pushBase(rig, remote, secrets, 'verify');
    await pushPlan({ ...base, clock, packTargetBytes: 64 * 1024 });
    const verify = () => verifyDrive({ ...base, workDir: tempDir(), samplePercent: 100 });
    const packs = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded');
    expect(packs.length).toBeGreaterThan(2);

    const clean = await verify();
    expect(clean).toMatchObject({ problems: [], sampled: packs.length, duplicatesRemoved: 0, manifests: 1 });

    // Drive made a pack twice (a retried create): verify removes the twin and keeps the recorded file.
    const twin = path.join(tempDir(), 'twin');
    fs.writeFileSync(twin, emu.readFile(packs[0]!.fileId!));
    const parent = emu.files().find((f) => f.id === packs[0]!.fileId)!.parents[0]!;
    await remote.upload({ parentId: parent, name: packs[0]!.name, source: { path: twin } });
    const dedup = await verify();
    expect(dedup).toMatchObject({ problems: [], duplicatesRemoved: 1 });
    expect(
      emu
        .files()
        .filter((f) => f.name === packs[0]!.name)
        .map((f) => f.id),
    ).toEqual([packs[0]!.fileId]);

    // A pack whose bytes changed on Drive, and one that is gone.
    const blob = path.join(emu.dir, 'blobs', packs[1]!.fileId!);
    const bytes = fs.readFileSync(blob);
    bytes[bytes.length >> 1]! ^= 0xff; // one flipped byte, same length
    fs.writeFileSync(blob, bytes);
    await remote.delete(packs[2]!.fileId!);
    const bad = await verify();
    expect(bad.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ problem: 'damaged', name: packs[1]!.name }),
        expect.objectContaining({ problem: 'missing', name: packs[2]!.name }),
      ]),
    );
  });

  it('reports a piece of a pieced content that no pack on Drive holds', async () => {
    const rig = makeRig();
    const file = path.join(rig.src, 'disk.img');
    fs.writeFileSync(file, 'start');
    fs.truncateSync(file, PIECE_THRESHOLD);
    await rig.backup();
    const secrets = new FileSecretStore(rig.dataDir);
    const clock = fakeClock();
    const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
    const base = pushBase(rig, remote, secrets, 'verify-pieces');
    await pushPlan({ ...base, clock, packTargetBytes: 1 << 20 });
    const verify = () => verifyDrive({ ...base, workDir: tempDir(), samplePercent: 100 });
    expect((await verify()).problems).toEqual([]);
    // The catalog forgets the pack of the zero pieces (1 to 7): verify says which pieces are not on Drive.
    const zero = rig.db
      .prepare('SELECT piece_sha256 FROM drive_pieces WHERE idx = 1')
      .pluck()
      .get() as string;
    const zeros = packOf(rig.db, driveCopy(rig.plan.id))(zero)!;
    rig.db.prepare('DELETE FROM drive_packs WHERE id = ?').run(zeros.id);
    const problems = (await verify()).problems.filter((p) => p.problem === 'missing');
    expect(problems.map((p) => p.detail)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) =>
        expect.stringMatching(new RegExp(`^piece ${i} of content [0-9a-f]{64} is in no pack`)),
      ),
    );
  });
});
