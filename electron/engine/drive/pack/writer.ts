import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import * as tar from 'tar';
import { fsPath } from '../../format/fsName';
import { encryptStream, type DriveKey } from './crypto';

/** One content to put in a pack: its SHA-256 (the member's name) and a local file holding it. */
export interface PackItem {
  sha256: string;
  size: number;
  /** Absolute path of a local file with this content (in a backup folder). */
  abs: string;
  /** The file is a piece written beside the staged packs for this pack only: removed once the pack is written. */
  temp?: boolean;
}

/** A pack written to a local file, ready to upload. */
export interface WrittenPack {
  size: number;
  md5: string;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** The SHA-256 of a local file, read without following a symlink; null when it cannot be read. */
export async function hashFile(abs: string): Promise<string | null> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(fsPath(abs), fs.constants.O_RDONLY | O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const h = crypto.createHash('sha256');
    for await (const c of fh.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) h.update(c);
    return h.digest('hex');
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/**
 * Writes a pack: a tar (the `tar` package), gzipped, whose members are named by their SHA-256, encrypted
 * with age when a key is given, to `file`. Streams end to end, so a large file costs no memory. Returns
 * the file's size and MD5 (what Drive's md5Checksum must match).
 */
export async function writePack(items: PackItem[], file: string, key: DriveKey | null): Promise<WrittenPack> {
  const names = new Map(items.map((i) => [i.abs, i.sha256]));
  const tarStream = tar.create(
    {
      portable: true,
      preservePaths: true,
      // Members are named by SHA-256: the README's shell recipe finds content by name.
      onWriteEntry: (entry) => {
        entry.path = names.get(entry.absolute) ?? entry.path;
      },
    },
    items.map((i) => i.abs),
  );
  // Node's zlib stream compresses on the thread pool, off the main thread (tar's own gzip does not).
  const tarred = Readable.from(tarStream as unknown as AsyncIterable<Buffer>);
  const gz = zlib.createGzip({ level: 6 });
  tarred.on('error', (e) => gz.destroy(e));
  let body: Readable = tarred.pipe(gz);
  if (key) body = await encryptStream(body, key);
  const md5 = crypto.createHash('md5');
  let size = 0;
  const count = new Transform({
    transform(c: Buffer, _e, done) {
      md5.update(c);
      size += c.length;
      done(null, c);
    },
  });
  const out = fs.createWriteStream(file);
  await pipeline(body, count, out);
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { size, md5: md5.digest('hex') };
}
