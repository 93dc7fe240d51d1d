import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { hashFile } from '../format/hash';
import { isSqliteHeader } from '../format/sqliteFile';

/** Files up to this size are copied synchronously inside the walk; larger ones in bounded parallel tasks. */
export const SYNC_COPY_MAX = 1 << 20;
const CHUNK = 1 << 20;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const shared = Buffer.allocUnsafe(CHUNK);

export interface CopyResult {
  sha256: string;
  size: number;
  /** The source's size or mtime differed after the read: the copy may mix old and new content. */
  changed: boolean;
}

/** Signals that the source turned out to be a SQLite database, to be copied with the backup API instead. */
export class IsSqlite extends Error {}

function sameStat(a: fs.Stats, b: fs.Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Copies src to dst (created, must not exist), hashing in the same read pass, then gives dst the source's
 * mode and mtime. Throws IsSqlite (leaving no dst) when the file is a SQLite database.
 */
export function copyFileSync(src: string, dst: string, st: fs.Stats, detectSqlite: boolean): CopyResult {
  const sfd = fs.openSync(src, fs.constants.O_RDONLY | O_NOFOLLOW);
  let dfd = -1;
  try {
    const hash = createHash('sha256');
    let total = 0;
    let first = true;
    for (;;) {
      const n = fs.readSync(sfd, shared, 0, CHUNK, null);
      if (first) {
        first = false;
        if (detectSqlite && isSqliteHeader(shared, n)) throw new IsSqlite();
        dfd = fs.openSync(dst, 'wx', 0o600);
      }
      if (n === 0) break;
      hash.update(shared.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(dfd, shared, off, n - off);
      total += n;
    }
    const after = fs.fstatSync(sfd);
    fs.fchmodSync(dfd, st.mode & 0o7777);
    fs.futimesSync(dfd, after.atimeMs / 1000, after.mtimeMs / 1000);
    return { sha256: hash.digest('hex'), size: total, changed: !sameStat(st, after) || total !== st.size };
  } finally {
    fs.closeSync(sfd);
    if (dfd >= 0) fs.closeSync(dfd);
  }
}

/** The asynchronous twin of copyFileSync for large files, with its own buffer. */
export async function copyFileAsync(
  src: string,
  dst: string,
  st: fs.Stats,
  detectSqlite: boolean,
  signal?: AbortSignal,
): Promise<CopyResult> {
  const sh = await fs.promises.open(src, fs.constants.O_RDONLY | O_NOFOLLOW);
  let dh: fs.promises.FileHandle | undefined;
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    const hash = createHash('sha256');
    let total = 0;
    let first = true;
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead: n } = await sh.read(buf, 0, CHUNK, null);
      if (first) {
        first = false;
        if (detectSqlite && isSqliteHeader(buf, n)) throw new IsSqlite();
        dh = await fs.promises.open(dst, 'wx', 0o600);
      }
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += (await dh!.write(buf, off, n - off)).bytesWritten;
      total += n;
    }
    const after = await sh.stat();
    await dh!.chmod(st.mode & 0o7777);
    await dh!.utimes(after.atimeMs / 1000, after.mtimeMs / 1000);
    return { sha256: hash.digest('hex'), size: total, changed: !sameStat(st, after) || total !== st.size };
  } finally {
    await sh.close();
    await dh?.close();
  }
}

/**
 * Copies a live SQLite database with SQLite's online backup API, so the copy is consistent even while
 * another process writes to it (WAL included), then hashes the copy and gives it the source's mode and mtime.
 */
export async function copySqlite(src: string, dst: string, st: fs.Stats): Promise<CopyResult> {
  const db = new Database(src, { readonly: true, fileMustExist: true });
  try {
    // Copy every page in one step: with small steps, a writer in another process restarts the backup each
    // time it commits, and a busy database would never finish.
    await db.backup(dst, { progress: () => 1_000_000_000 });
  } finally {
    db.close();
  }
  const { sha256, size } = await hashFile(dst);
  fs.chmodSync(dst, st.mode & 0o7777);
  fs.utimesSync(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
  return { sha256, size, changed: false };
}
