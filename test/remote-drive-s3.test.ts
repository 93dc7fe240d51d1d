// A plan copied to Google Drive (the emulator) and to an S3 bucket (s3rver behind the fault proxy): after each
// backup both are pushed; with the S3 server answering 503 SlowDown to everything, Drive still gets the
// backup, and health, `cairn status` and the remote states name the S3 remote as the copy that is behind;
// once S3 answers again, the next backup catches it up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterBackup } from '../electron/engine/app/afterBackup';
import { JobCoordinator } from '../electron/engine/app/jobs';
import { listActivity } from '../electron/engine/catalog/activity';
import { saveDriveKey } from '../electron/engine/drive/pack/crypto';
import { driveCopy, listDriveManifests } from '../electron/engine/drive/pack/store';
import { planHealth } from '../electron/engine/health/planHealth';
import { importFromRemote, remoteStates } from '../electron/engine/remotes/ops';
import { addRemote, remoteSecretKey } from '../electron/engine/remotes/registry';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { emulatorEnv, fakeClock } from './drive-emulator/harness';
import { startEmulator, type DriveEmulator } from './drive-emulator/server';
import { cairnAsync, type CliResult } from './helpers/cli';
import { makeRig, type Rig } from './helpers/engine';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';
import { startS3Server, type S3TestServer } from './s3-server/server';
import type { Op } from './s3-server/proxy';

let emu: DriveEmulator;
let s3: S3TestServer;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
  s3 = await startS3Server();
});
afterAll(async () => {
  await emu?.stop();
  await s3?.close();
});

/** `cairn ARGS` on the rig's data folder, awaited (the servers of this test answer from this process meanwhile). */
function cairnIn(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return cairnAsync(args, { env: { ...process.env, CAIRN_DATA_DIR: dataDir, ...env } });
}

const EVERY_OP: Op[] = ['ListObjectsV2', 'HeadObject', 'GetObject', 'PutObject', 'CreateMultipartUpload'];

describe('a plan with Drive and S3', () => {
  it('pushes to both after a backup; S3 failing does not stop Drive, and health says which copy is behind', async () => {
    const rig: Rig = makeRig();
    const { db, plan } = rig;
    const secrets = new FileSecretStore(rig.dataDir);
    await secrets.set(remoteSecretKey('offsite'), JSON.stringify(s3.credentials));
    const offsite = addRemote(db, {
      name: 'offsite',
      kind: 's3',
      config: s3.config('laptop/'),
      planIds: [plan.id],
      now: rig.clock.now,
    });
    // The S3 remote's retries wait on a fake clock: 8 tries of a failing request take no time here.
    const drive = {
      secrets,
      env: emulatorEnv(emu, emu.issueRefreshToken()),
      workDir: rig.dataDir,
      store: { clock: fakeClock() },
    };
    const now = () => rig.clock.now;
    const backupAndPush = async () => {
      rig.clock.now += 3600_000;
      await rig.backup();
      const r = afterBackup({ db, jobs: new JobCoordinator(now), drive, now, actor: 'test' }, plan);
      return { drive: await r.push, remotes: await r.remotes };
    };
    const onS3 = () => listDriveManifests(db, { remoteId: offsite.id, planId: plan.id }).length;
    const onDrive = () => listDriveManifests(db, driveCopy(plan.id)).length;
    const health = () => planHealth(db, plan, rig.clock.now, { timezone: 'UTC', statFs: () => null });

    writeTree(rig.src, { 'a.txt': 'alpha', 'docs/b.txt': 'beta' });
    const first = await backupAndPush();
    expect(first.drive?.pushed).toHaveLength(1);
    expect(first.remotes).toMatchObject([{ remote: 'offsite', error: null }]);
    expect(first.remotes[0]!.result?.pushed).toHaveLength(1);
    expect([onDrive(), onS3()]).toEqual([1, 1]);
    expect(s3.proxy.count('PutObject', 200)).toBeGreaterThan(0);
    expect(health().state).toBe('healthy');

    // The S3 server fails every request (503 SlowDown) from now on.
    for (const op of EVERY_OP) s3.proxy.fault({ op, kind: 'slowdown', times: 1000 });
    writeTree(rig.src, { 'c.txt': 'gamma' });
    const second = await backupAndPush();
    expect(second.drive?.pushed).toHaveLength(1);
    expect(second.remotes).toMatchObject([{ remote: 'offsite', result: null }]);
    expect([onDrive(), onS3()]).toEqual([2, 1]);
    const h = health();
    expect([h.state, h.issues.map((i) => i.kind)]).toEqual(['attention', ['remote-behind']]);
    expect(h.reasons[0]).toMatch(/^The copy on remote offsite \(s3:\/\/cairn-test\/laptop\) is behind: ./);
    // S3 was asked again and again (the backoff on the fake clock), each time answered 503.
    expect(EVERY_OP.reduce((n, op) => n + s3.proxy.count(op, 503), 0)).toBeGreaterThanOrEqual(8);
    const states = await remoteStates({ db, secrets, now });
    expect(states.map((s) => [s.name, s.state])).toEqual([
      ['drive', 'ok'],
      ['offsite', 'error'],
    ]);
    expect(states[1]!.plans[0]!.bytesWaiting).toBe(5);
    expect(listActivity(db, { planId: plan.id, limit: 5 }).map((a) => a.message)).toContainEqual(
      expect.stringMatching(
        /^The push of docs on remote offsite \(s3:\/\/cairn-test\/laptop\) after the backup/,
      ),
    );
    // The CLI reads the same health: exit 1, the S3 remote named.
    const status = await cairnIn(rig.dataDir, ['status']);
    expect(status.code, status.stderr).toBe(1);
    expect(status.stdout).toContain('docs: The copy on remote offsite (s3://cairn-test/laptop) is behind');

    // S3 answers again: the next backup brings it up to date, both backups.
    s3.proxy.clearFaults();
    writeTree(rig.src, { 'd.txt': 'delta' });
    const third = await backupAndPush();
    expect(third.remotes[0]!.result?.pushed).toHaveLength(2);
    expect([onDrive(), onS3()]).toEqual([3, 3]);
    expect(health().state).toBe('healthy');
    expect((await remoteStates({ db, secrets, now })).map((s) => s.state)).toEqual(['ok', 'ok']);
  });

  it('a password change seals the key file again on Drive and on S3; a new machine imports from S3 with the new one', async () => {
    const rig: Rig = makeRig();
    const { db, plan } = rig;
    const secrets = new FileSecretStore(rig.dataDir);
    await saveDriveKey(secrets, 'old password 1234');
    await secrets.set(remoteSecretKey('vault'), JSON.stringify(s3.credentials));
    const config = s3.config('pw/');
    addRemote(db, { name: 'vault', kind: 's3', config, planIds: [plan.id], now: rig.clock.now });
    const env = emulatorEnv(emu, emu.issueRefreshToken());
    const drive = { secrets, env, workDir: rig.dataDir, store: { clock: fakeClock() } };
    writeTree(rig.src, { 'a.txt': 'alpha' });
    rig.clock.now += 60_000;
    await rig.backup();
    const now = () => rig.clock.now;
    const r = afterBackup({ db, jobs: new JobCoordinator(now), drive, now, actor: 'test' }, plan);
    expect([(await r.push)?.pushed.length, (await r.remotes)[0]?.result?.pushed.length]).toEqual([1, 1]);

    const changed = await cairnIn(rig.dataDir, ['drive', 'password', '--change'], {
      ...env,
      CAIRN_DRIVE_PASSWORD: 'new password 5678',
    });
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('the key file on Drive, remote vault now opens with the new one');

    // A new machine: the remote added without a plan, then imported with the new password.
    const fresh = makeRig();
    const freshSecrets = new FileSecretStore(fresh.dataDir);
    await freshSecrets.set(remoteSecretKey('vault'), JSON.stringify(s3.credentials));
    const vault = addRemote(fresh.db, { name: 'vault', kind: 's3', config, planIds: [], now: 1 });
    const imported = await importFromRemote({
      db: fresh.db,
      remote: vault,
      secrets: freshSecrets,
      now: () => fresh.clock.now,
      password: 'new password 5678',
      store: { clock: fakeClock() },
    });
    expect(imported.plans.map((p) => [p.planName, p.imported.length])).toEqual([['docs', 1]]);
  });
});
