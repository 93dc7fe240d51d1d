import { LanePool } from '../backup/lanePool';

/**
 * Files of one folder to restore from a local backup folder: each is read from srcDir/name, written to
 * `${tmpPrefix}${tmpBase + its index}.tmp` (see numberedTempName), checked, then renamed to dstDir/dstName.
 */
export interface PlaceChunk {
  srcDir: string;
  dstDir: string;
  names: string[];
  /** The names to give them, when not their own (a copy kept beside a different file). */
  dstNames: string[] | null;
  tmpPrefix: string;
  tmpBase: number;
  sizes: number[];
  shas: string[];
  modes: number[];
  mtimes: number[];
}

/**
 * Files of one folder as their manifest lines (a folder this restore made, so each file keeps its name):
 * the thread reads each line's name, size, mtime, mode and SHA-256 itself, which spares the main thread an
 * object per file. Each goes as in PlaceChunk; the line's path has no escapes (the main thread checks).
 */
export interface LineChunk {
  srcDir: string;
  dstDir: string;
  lines: string[];
  tmpPrefix: string;
  tmpBase: number;
}

/** Why a file did not land (nothing was put under its name). */
export type PlaceFailure =
  /** The backup copy's content differs from the manifest. */
  | { kind: 'mismatch'; message: string }
  /** src could not be opened: `missing` (ENOENT) or `symlink` (ELOOP: a symlink planted in the backup). */
  | { kind: 'source'; reason: 'missing' | 'symlink' | 'other'; message: string }
  | { kind: 'error'; code: string | null; message: string };

/** A chunk's answer: the bytes of the files that landed, alone when all did; else also the others, by index. */
export type PlaceOutcome = number | { bytes: number; failures: [number, PlaceFailure][] };

// The same steps as placeFile (place.ts), with synchronous calls on a worker thread: the source opened with
// O_NOFOLLOW|O_NONBLOCK, the temporary name with O_EXCL|O_NOFOLLOW, the bytes hashed as they are written, size
// and SHA-256 checked, mode and mtime set, then the rename; on any failure the temporary file is removed.
const WORKER = String.raw`
const fs = require('node:fs');
const crypto = require('node:crypto');
const C = fs.constants;
const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
const CREATE = C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW || 0);
const READ = C.O_RDONLY | (C.O_NOFOLLOW || 0) | (C.O_NONBLOCK || 0);
const UMASK = process.umask();
// One call for a file read in one go (most files); crypto.hash is in Node 20.12 and later.
const sha256 = crypto.hash ? (b) => crypto.hash('sha256', b) : (b) => crypto.createHash('sha256').update(b).digest('hex');
function place(j) {
  let sfd = -1, dfd = -1, created = false, placed = false;
  try {
    try {
      sfd = fs.openSync(j.src, READ);
    } catch (e) {
      const reason = e.code === 'ENOENT' ? 'missing' : e.code === 'ELOOP' ? 'symlink' : 'other';
      return { kind: 'source', reason, message: String(e.message) };
    }
    // Made with the file's permissions where the umask keeps them (it is still under its temporary name),
    // which saves an fchmod for most files; anything else is made private and set after the check.
    const direct = (j.mode & ~UMASK & 0o777) === j.mode;
    dfd = fs.openSync(j.tmp, CREATE, direct ? j.mode : 0o600);
    created = true;
    let hash = null, sha = '', total = 0;
    // A short read is the end of the file; past the manifest's size there is no need to read on.
    for (;;) {
      const n = fs.readSync(sfd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      if (total === 0 && n < CHUNK) sha = sha256(chunk);
      else (hash ??= crypto.createHash('sha256')).update(chunk);
      let off = 0;
      while (off < n) off += fs.writeSync(dfd, buf, off, n - off);
      total += n;
      if (n < CHUNK || total > j.size) break;
    }
    if (hash) sha = hash.digest('hex');
    else if (total === 0) sha = sha256(buf.subarray(0, 0));
    if (total !== j.size)
      return { kind: 'mismatch', message: 'content is ' + total + ' bytes, the manifest says ' + j.size + ': the backup copy is damaged' };
    if (sha !== j.sha256)
      return { kind: 'mismatch', message: 'content does not match its SHA-256 in the manifest: the backup copy is damaged' };
    if (!direct) fs.fchmodSync(dfd, j.mode);
    fs.futimesSync(dfd, j.mtimeMs / 1000, j.mtimeMs / 1000);
    fs.closeSync(dfd);
    dfd = -1;
    fs.renameSync(j.tmp, j.dst);
    placed = true;
    return 0;
  } catch (e) {
    return { kind: 'error', code: (e && e.code) || null, message: String((e && e.message) || e) };
  } finally {
    if (sfd >= 0) fs.closeSync(sfd);
    if (dfd >= 0) fs.closeSync(dfd);
    if (created && !placed) { try { fs.unlinkSync(j.tmp); } catch {} }
  }
}
const MALFORMED = { kind: 'error', code: null, message: 'not restored: its manifest line is malformed' };
// File i of a chunk as place() takes it; null for a malformed manifest line.
function fileOf(c, i) {
  const tmp = c.tmpPrefix + (c.tmpBase + i) + '.tmp';
  if (!c.lines) {
    const name = c.names[i];
    return {
      src: c.srcDir + '/' + name, tmp, dst: c.dstDir + '/' + (c.dstNames ? c.dstNames[i] : name),
      size: c.sizes[i], sha256: c.shas[i], mode: c.modes[i], mtimeMs: c.mtimes[i],
    };
  }
  // kind, path, size, mtime, mode (octal), sha256, ...: see formatEntry in manifest.ts.
  const f = c.lines[i].split('\t');
  const name = f[1].slice(f[1].lastIndexOf('/') + 1);
  if (f.length !== 10 || name.includes('\0')) return null;
  return {
    src: c.srcDir + '/' + name, tmp, dst: c.dstDir + '/' + name,
    size: Number(f[2]), sha256: f[5], mode: parseInt(f[4], 8) & 0o7777, mtimeMs: Number(f[3]),
  };
}
function work(c) {
  const failures = [];
  let bytes = 0;
  const n = (c.lines || c.names).length;
  for (let i = 0; i < n; i++) {
    const j = fileOf(c, i);
    const r = j ? place(j) : MALFORMED;
    if (r === 0) bytes += j.size;
    else failures.push([i, r]);
  }
  return failures.length ? { bytes, failures } : bytes;
}
`;

export type RestoreThreads = LanePool<PlaceChunk | LineChunk, PlaceOutcome>;

/**
 * Restore threads: files of one folder on one thread, folders side by side (see LanePool); up to four chunks
 * of small folders travel in one message.
 */
export function placePool(size?: number): RestoreThreads {
  return new LanePool<PlaceChunk | LineChunk, PlaceOutcome>(WORKER, size, 4);
}
