import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../../electron/engine/drive/pack/settings';
import { spawnEmulator, type SpawnedEmulator } from '../drive-emulator/spawn';

/** The Drive emulator in its own process for the test file: the getter gives it once the tests run. */
export function useSpawnedEmulator(): () => SpawnedEmulator {
  let emu: SpawnedEmulator | undefined;
  beforeAll(async () => {
    emu = await spawnEmulator();
  });
  afterAll(async () => {
    await emu?.stop();
  });
  return () => {
    if (!emu) throw new Error('the Drive emulator starts with the tests');
    return emu;
  };
}

/** The emulator's state; a keep-alive socket the emulator closed fails once, so it asks again. */
export async function emulatorState(emu: SpawnedEmulator) {
  for (let i = 0; ; i++) {
    try {
      return await emu.state();
    } catch (e) {
      if (i >= 3) throw e;
    }
  }
}

export async function sha256Of(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), h);
  return h.digest('hex');
}

/**
 * Drive settings for tests that push by hand: no push right after each backup (`cairn backup` would
 * otherwise push), a machine name of its own (`machine`-random) when given, and the pack target when given.
 */
export function pushByHand(dataDir: string, o: { machine?: string; packTarget?: number } = {}): void {
  const db = openCatalog(dataDir);
  try {
    if (o.packTarget !== undefined) setDriveSetting(db, DRIVE_SETTING_KEYS.packTarget, o.packTarget);
    setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, false);
    if (o.machine)
      setDriveSetting(
        db,
        DRIVE_SETTING_KEYS.machine,
        `${o.machine}-${crypto.randomBytes(3).toString('hex')}`,
      );
  } finally {
    db.close();
  }
}

/**
 * Runs `<cli> drive connect --no-browser` and plays the browser: opens the sign-in address it prints,
 * where the emulator's consent page answers with the redirect to 127.0.0.1 (which nobody serves), and
 * pastes that address back. The address, the exit code and the output.
 */
export async function connectNoBrowser(cli: string, env: NodeJS.ProcessEnv, dataDir: string) {
  const child = spawn(process.execPath, [cli, 'drive', 'connect', '--no-browser'], {
    env: { ...process.env, ...env, CAIRN_DATA_DIR: dataDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c));
  const url = await new Promise<string>((resolve) =>
    child.stderr.on('data', (c: Buffer) => {
      err += c;
      const m = /^(http\S+)$/m.exec(err);
      if (m) resolve(m[1]!);
    }),
  );
  const consent = await fetch(url, { redirect: 'manual' });
  child.stdin.end(`${consent.headers.get('location')}\n`);
  const code = await new Promise((r) => child.once('exit', r));
  return { url, code, out, err };
}
