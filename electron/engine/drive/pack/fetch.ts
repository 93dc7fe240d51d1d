import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { CairnError } from '../../errors';
import type { DriveRemote } from '../types';
import { decryptStream, type DriveKey } from './crypto';

const SHA = /^[0-9a-f]{64}$/;
/**
 * node-tar stops at a decompression ratio of 1000:1 by default (a zip-bomb guard), but a pack of one mostly
 * zero file legitimately compresses further; Cairn wrote the pack itself and checks each member by its SHA-256.
 */
const ANY_RATIO = { maxDecompressionRatio: Infinity };

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
    ...ANY_RATIO,
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

/**
 * The SHA-256 of every member of a local pack (decrypting it when encrypted), by member name: each member is
 * hashed as it streams, so nothing is written and any size is read.
 */
export async function hashMembers(
  file: string,
  encrypted: boolean,
  key: DriveKey | null,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = tar.t({
    ...ANY_RATIO,
    strict: true,
    onReadEntry: (e) => {
      if (!SHA.test(e.path) || e.type !== 'File') return; // tar.t resumes it
      const h = crypto.createHash('sha256');
      e.on('data', (chunk: Buffer) => h.update(chunk));
      e.on('end', () => out.set(e.path, h.digest('hex')));
    },
  });
  await pipeline(await openPlain(file, encrypted, key), list as unknown as NodeJS.WritableStream);
  return out;
}
