// A copy thread (see copyPool.ts): copies with synchronous calls and its own buffer, reading, hashing and
// writing in one pass, then sets the source's mode and mtime on the copy. Bundled to dist/workers/copy.cjs.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  futimesSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  writeSync,
} from 'node:fs';
import { workerData } from 'node:worker_threads';
import { fsPath, hasRawBytes } from '../format/fsName';
import { FileHash, keptAtCreate } from '../format/newFile';
import type { CopyJob, CopyOutcome, LinkJob, LinkOutcome } from './copyPool';
import { CHANGED, LINK_FALLBACK, sameSource } from './linking';
import { ioFailure, serveLanes } from './laneWorker';

const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
// O_NONBLOCK: a file replaced by a named pipe since the walk saw it must not block the thread on open.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW || 0) | (constants.O_NONBLOCK || 0);
const shared = (workerData as { copied?: SharedArrayBuffer } | null)?.copied;
/** Bytes written by every copy thread of the run, read by the walk for its progress (copyPool.ts). */
const copied = shared ? new BigInt64Array(shared) : null;

function work(j: CopyJob): CopyOutcome {
  let sfd = -1,
    dfd = -1;
  try {
    sfd = openSync(fsPath(j.src), OPEN_FLAGS);
    let { size, mtimeMs, mode } = j;
    if (size < 0) {
      // The walk did not stat this file: its figures now, before the first byte is read.
      const st = fstatSync(sfd);
      if (!st.isFile()) return { kind: 'error', code: 'ENOENT', message: 'no longer a file' };
      ({ size, mtimeMs } = st);
      mode = st.mode & 0o7777;
    }
    // Created with its final permissions when the umask leaves them whole (no fchmod afterwards).
    const direct = keptAtCreate(mode);
    const hash = new FileHash();
    let total = 0,
      first = true;
    // Read no more than the size the walk saw: a file that keeps growing (a busy log) would otherwise be
    // chased for ever. If it changed, the caller retries and then reports it.
    for (;;) {
      const n = readSync(sfd, buf, 0, Math.min(CHUNK, Math.max(size - total, first ? 100 : 0)), null);
      if (first) {
        first = false;
        if (j.detectSqlite && n >= 100 && buf.subarray(0, 16).equals(MAGIC)) return { kind: 'sqlite' };
        dfd = openSync(fsPath(j.dst), 'wx', direct ? mode : 0o600);
      }
      if (n === 0) break;
      hash.update(buf.subarray(0, n), total === 0 && n === size);
      let off = 0;
      while (off < n) off += writeSync(dfd, buf, off, n - off);
      total += n;
      if (copied) Atomics.add(copied, 0, BigInt(n));
    }
    const after = fstatSync(sfd);
    if (!direct) fchmodSync(dfd, mode);
    futimesSync(dfd, after.atimeMs / 1000, after.mtimeMs / 1000);
    const changed = after.size !== size || after.mtimeMs !== mtimeMs || total !== size;
    return {
      kind: 'copied',
      sha256: hash.digest(),
      size: total,
      changed,
      mtimeMs: after.mtimeMs,
      ctimeMs: after.ctimeMs,
      ino: after.dev + ':' + after.ino,
      mode,
    };
  } catch (e) {
    return ioFailure(e);
  } finally {
    if (sfd >= 0) closeSync(sfd);
    if (dfd >= 0) closeSync(dfd);
  }
}

/**
 * Links a folder's unchanged files, each after an lstat of its source shows the previous backup's figures;
 * stops at the first error that a copy would not get round (disk full).
 */
function link(j: LinkJob): LinkOutcome {
  const failed: [number, string][] = [];
  // Raw bytes are looked for once in the folders and then in each name, not in every joined path.
  const plain = !hasRawBytes(j.src) && !hasRawBytes(j.from) && !hasRawBytes(j.to);
  for (let i = 0; i < j.names.length; i++) {
    const name = j.names[i]!;
    const at = plain && !hasRawBytes(name) ? (p: string) => p : fsPath;
    try {
      const st = lstatSync(at(`${j.src}/${name}`), { throwIfNoEntry: false });
      if (!st) {
        failed.push([i, 'ENOENT']);
        continue;
      }
      if (!st.isFile() || !sameSource(st, j.size[i]!, j.mtimeMs[i]!, j.ctimeMs[i]!, j.mode[i]!, j.ino[i]!)) {
        failed.push([i, CHANGED]);
        continue;
      }
      linkSync(at(`${j.from}/${name}`), at(`${j.to}/${name}`));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException | null)?.code ?? 'EIO';
      failed.push([i, code]);
      if (!LINK_FALLBACK.has(code)) break;
    }
  }
  return { kind: 'linked', failed };
}

serveLanes((j: CopyJob | LinkJob) => (j.kind === 'link' ? link(j) : work(j)));
