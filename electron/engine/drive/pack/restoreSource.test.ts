import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, fakeClock } from '../../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { makeCorpus } from '../../../../test/helpers/driveKit';
import { makeRig } from '../../../../test/helpers/engine';
import { tempDir } from '../../../../test/helpers/tmp';
import { latestGoodBackup } from '../../catalog/backups';
import { restoreBackup } from '../../restore/restore';
import { openDrive } from '../index';
import { FileSecretStore } from '../../secrets/store';
import { pushPlan } from './push';
import { openDriveRestore } from './restoreSource';
import { driveCopy, listPacks } from './store';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

describe('openDriveRestore', () => {
  it('downloads only the packs the chosen paths need, and removes its work folder', async () => {
    const rig = makeRig();
    makeCorpus(rig.src, { small: 60 });
    await rig.backup();
    const secrets = new FileSecretStore(rig.dataDir);
    const clock = fakeClock();
    const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
    await pushPlan({
      db: rig.db,
      plan: rig.plan,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets,
      machine: 'rs',
      now: () => rig.clock.now,
      actor: 'test',
      clock,
      packTargetBytes: 64 * 1024,
    });
    const packs = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded');
    expect(packs.length).toBeGreaterThan(4);

    const backup = latestGoodBackup(rig.db, rig.plan.id)!;
    const workDir = path.join(tempDir(), 'work');
    const d = await openDriveRestore({
      db: rig.db,
      plan: rig.plan,
      stamp: backup.stamp,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets,
      workDir,
    });
    const to = tempDir();
    const before = remote.stats.bytesDownloaded;
    const s = await restoreBackup({
      db: rig.db,
      plan: rig.plan,
      backup,
      to,
      paths: ['src/d3/e0/f3.dat', 'src/same-a.txt'],
      now: () => Date.now(),
      actor: 'test',
      ...d,
    });
    expect(s.failed).toBe(0);
    expect(s.written).toBe(2);
    expect(fs.readFileSync(path.join(to, 'src/d3/e0/f3.dat'))).toEqual(
      fs.readFileSync(path.join(rig.src, 'd3/e0/f3.dat')),
    );
    expect(d.stats.packs).toBeLessThanOrEqual(2);
    expect(remote.stats.bytesDownloaded - before).toBeLessThan(packs.reduce((n, p) => n + p.size, 0) / 2);
    expect(fs.existsSync(workDir)).toBe(false);
  });
});
