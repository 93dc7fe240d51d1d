import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { CairnError } from '../../errors';
import type { DriveRemote } from '../types';
import { decryptStream, type DriveKey } from './crypto';

const SHA = /^[0-9a-f]{64}$/;

/** The key an encrypted file needs, or a plain error saying how to give the password. */
export function needKey(key: DriveKey | null, what: string): DriveKey {
  if (key) return key;
  throw new CairnError(
    'usage',
    `${what} on Drive is encrypted: give Cairn the Drive password first (cairn drive password, or CAIRN_DRIVE_PASSWORD).`,
  );
}

/** Opens a local copy of a Drive file as plain bytes (decrypting a .age file). */
export async function openPlain(file: string, encrypted: boolean, key: DriveKey | null): Promise<Readable> {
  const raw = fs.createReadStream(file);
  return encrypted ? decryptStream(raw, needKey(key, file)) : raw;
}

/**
 * Downloads a Drive file to `dest` as plain bytes: checked against its MD5, decrypted when its name ends
 * in .age. The partial file is removed if anything fails.
 */
export async function fetchPlain(
  remote: DriveRemote,
  f: { fileId: string; name: string; md5: string | null },
  dest: string,
  key: DriveKey | null,
  signal?: AbortSignal,
): Promise<void> {
  const encrypted = f.name.endsWith('.age');
  const raw = encrypted ? `${dest}.download` : dest;
  await remote.downloadTo(f.fileId, raw, { md5: f.md5 ?? undefined, signal });
  if (!encrypted) return;
  try {
    await pipeline(await openPlain(raw, true, key), fs.createWriteStream(dest));
  } catch (e) {
    fs.rmSync(dest, { force: true });
    throw new CairnError('corrupt', `${f.name} from Drive could not be decrypted (${(e as Error).message}).`);
  } finally {
    fs.rmSync(raw, { force: true });
  }
}

/**
 * Unpacks a local pack file (decrypting it when encrypted) into `dir`: only members named by a SHA-256 are
 * written, each readable by the user whatever mode it was packed with.
 */
export async function extractPack(
  file: string,
  encrypted: boolean,
  key: DriveKey | null,
  dir: string,
): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  const unpack = tar.x({
    cwd: dir,
    strict: true,
    filter: (p, entry) => {
      const ok = SHA.test(p) && (entry as tar.ReadEntry).type === 'File';
      if (ok) {
        (entry as tar.ReadEntry).mode = 0o600;
        names.push(p);
      }
      return ok;
    },
  });
  await pipeline(await openPlain(file, encrypted, key), unpack as unknown as NodeJS.WritableStream);
  return names;
}

/** Lists the SHA-256 members of a local pack without writing them. */
export async function packMembers(
  file: string,
  encrypted: boolean,
  key: DriveKey | null,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const list = tar.t({
    onReadEntry: (e) => {
      if (SHA.test(e.path)) out.set(e.path, e.size ?? 0);
      e.resume();
    },
  });
  await pipeline(await openPlain(file, encrypted, key), list as unknown as NodeJS.WritableStream);
  return out;
}
