import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDriveKey } from '../electron/engine/drive/pack/crypto';
import { pushPlan } from '../electron/engine/drive/pack/push';
import { scriptFromReadme } from '../electron/engine/drive/pack/readme';
import { openDrive } from '../electron/engine/drive/index';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { emulatorEnv, fakeClock } from './drive-emulator/harness';
import { startEmulator, type DriveEmulator } from './drive-emulator/server';
import { makeCorpus, mirrorDrive } from './helpers/driveKit';
import { makeRig } from './helpers/engine';
import { tempDir } from './helpers/tmp';
import { diffTrees } from './helpers/tree';

/** The tools the recipe may use, and nothing else on PATH (no Node). */
const TOOLS = [
  'sh',
  'tar',
  'gzip',
  'age',
  'cat',
  'cut',
  'sort',
  'grep',
  'mktemp',
  'rm',
  'mkdir',
  'cp',
  'chmod',
  'touch',
  'ln',
  'env',
  'printf',
];

function toolDir(): string {
  const dir = tempDir('cairn-tools-');
  for (const t of TOOLS) {
    const real = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
    fs.symlinkSync(real, path.join(dir, t));
  }
  return dir;
}

let emu: DriveEmulator;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});

describe('the README.txt recipe on Drive', () => {
  for (const password of [null, 'a long enough password']) {
    it(`restores every backup with sh, tar, gzip${password ? ' and age' : ''} alone, byte for byte (${password ? 'encrypted' : 'plain'})`, async () => {
      const rig = makeRig();
      const secrets = new FileSecretStore(rig.dataDir);
      if (password) await saveDriveKey(secrets, password);
      const clock = fakeClock();
      const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
      const machine = `recipe-${password ? 'enc' : 'plain'}`;
      const push = () =>
        pushPlan({
          db: rig.db,
          plan: rig.plan,
          remote,
          secrets,
          machine,
          now: () => rig.clock.now,
          actor: 'test',
          clock,
          packTargetBytes: 256 * 1024,
        });
      makeCorpus(rig.src, { small: 60, large: 1, largeBytes: 512 * 1024 });
      const first = (await rig.backup()).backup.stamp;
      await push();
      const before = path.join(tempDir(), 'src');
      fs.cpSync(rig.src, before, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      fs.writeFileSync(path.join(rig.src, 'd1/e1/f1.dat'), 'changed\n');
      fs.rmSync(path.join(rig.src, 'd2'), { recursive: true });
      fs.mkdirSync(path.join(rig.src, 'locked'));
      fs.writeFileSync(path.join(rig.src, 'locked/inside.txt'), 'in a read-only folder\n');
      fs.chmodSync(path.join(rig.src, 'locked'), 0o555);
      const second = (await rig.backup()).backup.stamp;
      await push();

      const drive = tempDir('cairn-drive-copy-');
      mirrorDrive(emu.files(), emu.dir, drive);
      const planDir = path.join(drive, 'Cairn', machine, 'docs');
      const script = path.join(drive, 'restore.sh');
      fs.writeFileSync(script, scriptFromReadme(fs.readFileSync(path.join(planDir, 'README.txt'), 'utf8')));
      const env = { PATH: toolDir(), HOME: drive, LANG: 'C' };
      for (const [stamp, expected] of [
        [first, before],
        [second, rig.src],
      ] as const) {
        const out = path.join(tempDir(), 'restored');
        const cmd = `sh restore.sh '${planDir}' ${stamp} '${out}'`;
        const r = password
          ? spawnSync('/usr/bin/script', ['-qec', cmd, '/dev/null'], {
              cwd: drive,
              env,
              input: `${password}\n`,
              encoding: 'utf8',
            })
          : spawnSync('/bin/sh', ['-c', cmd], { cwd: drive, env, encoding: 'utf8' });
        expect(r.status, r.stderr + r.stdout).toBe(0);
        // fs.cpSync rounds times, so the copy of the first state is compared without them.
        const mtime = expected === rig.src;
        expect(diffTrees(expected, path.join(out, 'src'), { mode: true, mtime })).toEqual([]);
        fs.chmodSync(path.join(out, 'src'), 0o755);
        if (fs.existsSync(path.join(out, 'src/locked'))) fs.chmodSync(path.join(out, 'src/locked'), 0o755);
      }
      fs.chmodSync(path.join(rig.src, 'locked'), 0o755);
    });
  }
});
