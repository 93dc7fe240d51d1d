import { LanePool } from './lanePool';

/** One file to copy: the walker's lstat figures go along so the worker can tell whether it changed. */
export interface CopyJob {
  src: string;
  dst: string;
  mode: number;
  size: number;
  mtimeMs: number;
  detectSqlite: boolean;
}

export type CopyOutcome =
  | {
      kind: 'copied';
      sha256: string;
      size: number;
      changed: boolean;
      mtimeMs: number;
      ctimeMs: number;
      ino: string;
    }
  | { kind: 'sqlite' }
  | { kind: 'error'; code: string | null; message: string };

// The worker copies with synchronous calls and its own buffer: read, hash and write in one pass, then the
// source's mode and mtime on the copy. It is a string (run with eval) so that it works the same from the
// TypeScript sources under test and from the esbuild bundles, where a worker file path would differ.
const WORKER = String.raw`
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const NOFOLLOW = fs.constants.O_NOFOLLOW || 0;
function work(j) {
  let sfd = -1, dfd = -1;
  try {
    sfd = fs.openSync(j.src, fs.constants.O_RDONLY | NOFOLLOW);
    const hash = createHash('sha256');
    let total = 0, first = true;
    // Read no more than the size the walk saw: a file that keeps growing (a busy log) would otherwise be
    // chased for ever. If it changed, the caller retries and then reports it.
    for (;;) {
      const n = fs.readSync(sfd, buf, 0, Math.min(CHUNK, Math.max(j.size - total, first ? 100 : 0)), null);
      if (first) {
        first = false;
        if (j.detectSqlite && n >= 100 && buf.subarray(0, 16).equals(MAGIC)) return { kind: 'sqlite' };
        dfd = fs.openSync(j.dst, 'wx', 0o600);
      }
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(dfd, buf, off, n - off);
      total += n;
    }
    const after = fs.fstatSync(sfd);
    fs.fchmodSync(dfd, j.mode);
    fs.futimesSync(dfd, after.atimeMs / 1000, after.mtimeMs / 1000);
    const changed = after.size !== j.size || after.mtimeMs !== j.mtimeMs || total !== j.size;
    return { kind: 'copied', sha256: hash.digest('hex'), size: total, changed, mtimeMs: after.mtimeMs,
      ctimeMs: after.ctimeMs, ino: after.dev + ':' + after.ino };
  } catch (e) {
    return { kind: 'error', code: (e && e.code) || null, message: String(e && e.message || e) };
  } finally {
    if (sfd >= 0) fs.closeSync(sfd);
    if (dfd >= 0) fs.closeSync(dfd);
  }
}
`;

/** Copy threads: files of one folder on one thread, folders side by side (see LanePool). */
export function copyPool(size?: number): LanePool<CopyJob, CopyOutcome> {
  return new LanePool<CopyJob, CopyOutcome>(WORKER, size);
}
