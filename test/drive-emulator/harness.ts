import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DriveEmulator } from './server';

/** The environment that points Cairn's Drive client at an in-process emulator. */
export function emulatorEnv(emu: DriveEmulator, refreshToken?: string): NodeJS.ProcessEnv {
  return {
    CAIRN_GOOGLE_CLIENT_ID: emu.clientId,
    CAIRN_GOOGLE_CLIENT_SECRET: emu.clientSecret,
    CAIRN_DRIVE_API_URL: emu.url,
    CAIRN_OAUTH_TOKEN_URL: emu.tokenUrl,
    CAIRN_OAUTH_AUTH_URL: emu.authUrl,
    ...(refreshToken ? { CAIRN_DRIVE_REFRESH_TOKEN: refreshToken } : {}),
  };
}

/** A clock whose sleeps return at once and advance virtual time; `slept` records each wait. */
export function fakeClock(start = Date.now()) {
  let t = start;
  const slept: number[] = [];
  return {
    slept,
    elapsed: () => t - start,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      slept.push(ms);
      t += Math.max(0, ms);
    },
  };
}

/** Writes a file of random bytes and returns its path and MD5. */
export function randomFile(dir: string, name: string, size: number): { file: string; md5: string } {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  const h = crypto.createHash('md5');
  try {
    for (let off = 0; off < size;) {
      const block = crypto.randomBytes(Math.min(1024 * 1024, size - off));
      fs.writeSync(fd, block);
      h.update(block);
      off += block.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, md5: h.digest('hex') };
}
