import { JobCoordinator } from '../../app/jobs';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv, fakeClock } from '../../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { makeCorpus } from '../../../../test/helpers/driveKit';
import { makeRig } from '../../../../test/helpers/engine';
import { tempDir } from '../../../../test/helpers/tmp';
import { openDrive } from '../index';
import { FileSecretStore } from '../../secrets/store';
import { openIdentity, saveDriveKey } from './crypto';
import { resealIdentity } from './folders';
import { planHealth } from '../../health/planHealth';
import { pushAfterBackup } from './afterBackup';
import { PIECE_THRESHOLD } from './layout';
import { pushPlan } from './push';
import { driveCopy, listDriveManifests, listPacks } from './store';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

async function setup(o: { password?: string } = {}) {
  const rig = makeRig();
  const secrets = new FileSecretStore(rig.dataDir);
  if (o.password) await saveDriveKey(secrets, o.password);
  const clock = fakeClock();
  const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
  const push = (extra = {}) =>
    pushPlan({
      db: rig.db,
      plan: rig.plan,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets,
      machine: `m-${crypto.randomBytes(3).toString('hex')}`,
      now: () => rig.clock.now,
      actor: 'test',
      clock,
      packTargetBytes: 1024 * 1024,
      ...extra,
    });
  return { rig, secrets, remote, push, clock };
}

describe('pushPlan', () => {
  it('uploads each content once; after 1% of files changed only the changed content goes up', async () => {
    const { rig, push } = await setup();
    const files = makeCorpus(rig.src, { small: 300, large: 1, largeBytes: 3 * 1024 * 1024 });
    await rig.backup();
    const first = await push();
    expect(first.pushed).toHaveLength(1);
    const total = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded').reduce((n, p) => n + p.size, 0);
    expect(first.packsUploaded).toBeGreaterThan(2);
    expect(first.bytesUploaded).toBeGreaterThanOrEqual(total);

    // Two pushes of one plan at once (admitted by the job coordinator): the second is refused, the
    // first's status stays.
    const admit = new JobCoordinator().admitFor('test');
    const both = await Promise.allSettled([push({ admit }), push({ admit })]);
    expect(both.map((b) => b.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((both.find((b) => b.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(
      /A Drive push of .* is running/,
    );

    // A push with nothing new sends nothing.
    const idle = await push();
    expect(idle).toMatchObject({ pushed: [], packsUploaded: 0, bytesUploaded: 0, alreadyOnDrive: 1 });

    // 1% of the files change (3 of 300): only their content goes up, plus the manifest and its pack map.
    let changed = 0;
    for (const rel of files.slice(0, 3)) {
      const data = crypto.randomBytes(4096);
      fs.writeFileSync(path.join(rig.src, rel), data);
      changed += data.length;
    }
    await rig.backup();
    const second = await push();
    expect(second.pushed).toHaveLength(1);
    expect(second.contentBytes).toBe(changed);
    expect(second.packsUploaded).toBe(1);
    const m = listDriveManifests(rig.db, driveCopy(rig.plan.id))[0]!;
    const small = emu.files().filter((f) => f.id === m.fileId || f.id === m.mapFileId);
    const manifestBytes = small.reduce((n, f) => n + (f.size ?? 0), 0);
    // The pack of 3 random 4 KiB files (gzip cannot shrink them) plus tar headers, plus manifest and map.
    expect(second.bytesUploaded).toBeGreaterThan(changed);
    expect(second.bytesUploaded).toBeLessThan(changed + 8 * 1024 + manifestBytes);
    console.log(
      `drive push: first ${first.bytesUploaded} bytes in ${first.packsUploaded} packs; after a 1% change ` +
        `${second.bytesUploaded} bytes (content ${changed}, manifest+map ${manifestBytes})`,
    );
  });

  it('keeps to the bandwidth limit', async () => {
    const rig = makeRig();
    const secrets = new FileSecretStore(rig.dataDir);
    const clock = fakeClock();
    const { remote } = await openDrive({
      secrets,
      env: emulatorEnv(emu, emu.issueRefreshToken()),
      clock,
      bandwidthBytesPerSecond: 512 * 1024,
    });
    fs.writeFileSync(path.join(rig.src, 'a.bin'), crypto.randomBytes(2 * 1024 * 1024));
    await rig.backup();
    const t0 = clock.elapsed();
    const r = await pushPlan({
      db: rig.db,
      plan: rig.plan,
      remote,
      remoteId: DRIVE_REMOTE_ID,
      secrets,
      machine: 'bw',
      now: () => rig.clock.now,
      actor: 'test',
      clock,
    });
    expect(r.bytesUploaded).toBeGreaterThan(2 * 1024 * 1024);
    // 2 MiB at 512 KiB/s: at least about 4 s of (virtual) waiting, less the quarter-second burst.
    expect(clock.elapsed() - t0).toBeGreaterThanOrEqual(3500);
  });

  it('pushes after a backup only when Drive is connected, and never fails the backup', async () => {
    const rig = makeRig();
    const secrets = new FileSecretStore(rig.dataDir);
    fs.writeFileSync(path.join(rig.src, 'a.txt'), 'after backup');
    await rig.backup();
    const base = { db: rig.db, plan: rig.plan, secrets, now: () => rig.clock.now, actor: 'test' };
    expect(await pushAfterBackup({ ...base, env: {} })).toBeNull(); // no OAuth client: Drive not in use
    const env = emulatorEnv(emu); // set up, but never connected
    expect(await pushAfterBackup({ ...base, env })).toBeNull();
    emu.revokeGrants();
    const errors: unknown[] = [];
    const refused = await pushAfterBackup({
      ...base,
      env: { ...env, CAIRN_DRIVE_REFRESH_TOKEN: 'revoked' },
      onError: (e) => errors.push(e),
    });
    expect(refused).toBeNull();
    expect(String(errors[0])).toMatch(/Drive link expired/);
    // The health model tells it (cairn status, the badge, the tray): the Drive copy is not kept up to date.
    const health = () => planHealth(rig.db, rig.plan, rig.clock.now, { timezone: 'UTC' });
    expect(health().issues.map((i) => [i.kind, i.state])).toEqual([['drive-link', 'attention']]);
    const r = await pushAfterBackup({ ...base, env: emulatorEnv(emu, emu.issueRefreshToken()) });
    expect(r?.pushed).toHaveLength(1);
    expect(health().state).toBe('healthy');
  });

  it('with a password, packs are not tar files and the age CLI decrypts them', async () => {
    const { rig, push, remote, secrets } = await setup({ password: 'correct horse battery' });
    makeCorpus(rig.src, { small: 20 });
    await rig.backup();
    const r = await push();
    expect(r.pushed).toHaveLength(1);
    const pack = listPacks(rig.db, driveCopy(rig.plan.id), 'uploaded')[0]!;
    expect(pack.name).toMatch(/\.tar\.gz\.age$/);
    const dir = tempDir();
    const packFile = path.join(dir, pack.name);
    fs.writeFileSync(packFile, emu.readFile(pack.fileId!));
    expect(spawnSync('tar', ['-tzf', packFile]).status).not.toBe(0);
    const { identity } = JSON.parse((await new FileSecretStore(rig.dataDir).get('drive.key'))!) as {
      identity: string;
    };
    fs.writeFileSync(path.join(dir, 'key.txt'), identity + '\n');
    const dec = spawnSync('sh', ['-c', `age -d -i key.txt '${pack.name}' | tar -tzf -`], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(dec.stderr).toBe('');
    expect(dec.status).toBe(0);
    const members = dec.stdout.trim().split('\n');
    expect(members.length).toBe(pack.members);
    for (const m of members) expect(m).toMatch(/^[0-9a-f]{64}$/);

    // A password change seals the key file again; the packs stay, the old password no longer opens it.
    const key = await saveDriveKey(secrets, 'a brand new password', identity);
    expect(await resealIdentity(rig.db, remote, DRIVE_REMOTE_ID, key, tempDir())).toBe(1);
    const keyFiles = emu.files().filter((f) => f.name === 'identity.age');
    expect(keyFiles).toHaveLength(1); // the old copy is gone
    const sealed = emu.readFile(keyFiles[0]!.id);
    expect(await openIdentity(sealed, 'a brand new password')).toBe(identity);
    await expect(openIdentity(sealed, 'correct horse battery')).rejects.toThrow(
      /does not open the Drive key/,
    );
  });

  it('a pieced file whose backup copy no longer matches its manifest is left out, piece list and all, and goes up once it matches', async () => {
    const { rig, push } = await setup();
    const file = path.join(rig.src, 'disk.img');
    fs.writeFileSync(file, crypto.randomBytes(1024));
    fs.truncateSync(file, PIECE_THRESHOLD + 1); // one byte into its ninth piece
    await rig.backup();
    const copy = fs
      .readdirSync(rig.dest, { recursive: true, encoding: 'utf8' })
      .map((p) => path.join(rig.dest, p))
      .find((p) => p.endsWith('disk.img'))!;
    const fd = fs.openSync(copy, 'r+');
    fs.writeSync(fd, Buffer.from('x'), 0, 1, PIECE_THRESHOLD); // the last piece is damaged
    const bad = await push();
    expect(bad.pushed).toEqual([]);
    expect(bad.unreadable).toEqual([expect.stringMatching(/disk\.img$/)]);
    expect(rig.db.prepare('SELECT COUNT(*) FROM drive_pieces').pluck().get()).toBe(0);
    fs.writeSync(fd, Buffer.from([0]), 0, 1, PIECE_THRESHOLD);
    fs.closeSync(fd);
    const good = await push();
    expect(good.pushed).toHaveLength(1);
    // The 8 full pieces were packed by the first push: only the last, one byte, is new.
    expect(good.contentBytes).toBe(1);
    const m = listDriveManifests(rig.db, driveCopy(rig.plan.id))[0]!;
    const map = zlib.gunzipSync(emu.readFile(m.mapFileId)).toString().trim().split('\n');
    expect(map.map((l) => l.split('\t').slice(2, 3).join())).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
  });
});
