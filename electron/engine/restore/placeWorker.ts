// A restore thread (see placePool.ts): the same steps as placeFile (place.ts), with synchronous calls. The
// source is opened with O_NOFOLLOW|O_NONBLOCK, the temporary name with O_EXCL|O_NOFOLLOW, the bytes hashed
// as they are written, size and SHA-256 checked, mode and mtime set, then the rename; on any failure the
// temporary file is removed. Bundled to dist/workers/place.cjs.
import {
  closeSync,
  constants,
  fchmodSync,
  futimesSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { ioFailure, serveLanes } from '../backup/laneWorker';
import type { LineChunk, PlaceChunk, PlaceFailure, PlaceOutcome } from './placePool';
import { fsPath } from '../format/fsName';
import { FileHash, keptAtCreate } from '../format/newFile';

/** One file to place. */
interface PlaceFile {
  src: string;
  tmp: string;
  dst: string;
  size: number;
  sha256: string;
  mode: number;
  mtimeMs: number;
}

const C = constants;
const CHUNK = 1 << 20;
const buf = Buffer.allocUnsafe(CHUNK);
const CREATE = C.O_WRONLY | C.O_CREAT | C.O_EXCL | (C.O_NOFOLLOW || 0);
const READ = C.O_RDONLY | (C.O_NOFOLLOW || 0) | (C.O_NONBLOCK || 0);

function place(j: PlaceFile): 0 | PlaceFailure {
  let sfd = -1,
    dfd = -1,
    created = false,
    placed = false;
  try {
    try {
      sfd = openSync(fsPath(j.src), READ);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason = err.code === 'ENOENT' ? 'missing' : err.code === 'ELOOP' ? 'symlink' : 'other';
      return { kind: 'source', reason, message: String(err.message) };
    }
    // Made with the file's permissions where the umask keeps them (it is still under its temporary name),
    // which saves an fchmod for most files; anything else is made private and set after the check.
    const direct = keptAtCreate(j.mode);
    dfd = openSync(fsPath(j.tmp), CREATE, direct ? j.mode : 0o600);
    created = true;
    const hash = new FileHash();
    let total = 0;
    // A short read is the end of the file; past the manifest's size there is no need to read on.
    for (;;) {
      const n = readSync(sfd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n), total === 0 && n < CHUNK);
      let off = 0;
      while (off < n) off += writeSync(dfd, buf, off, n - off);
      total += n;
      if (n < CHUNK || total > j.size) break;
    }
    const sha = hash.digest();
    if (total !== j.size)
      return {
        kind: 'mismatch',
        message:
          'content is ' + total + ' bytes, the manifest says ' + j.size + ': the backup copy is damaged',
      };
    if (sha !== j.sha256)
      return {
        kind: 'mismatch',
        message: 'content does not match its SHA-256 in the manifest: the backup copy is damaged',
      };
    if (!direct) fchmodSync(dfd, j.mode);
    futimesSync(dfd, j.mtimeMs / 1000, j.mtimeMs / 1000);
    closeSync(dfd);
    dfd = -1;
    renameSync(fsPath(j.tmp), fsPath(j.dst));
    placed = true;
    return 0;
  } catch (e) {
    return ioFailure(e);
  } finally {
    if (sfd >= 0) closeSync(sfd);
    if (dfd >= 0) closeSync(dfd);
    if (created && !placed) {
      try {
        unlinkSync(fsPath(j.tmp));
      } catch {}
    }
  }
}

const MALFORMED: PlaceFailure = {
  kind: 'error',
  code: null,
  message: 'not restored: its manifest line is malformed',
};

// File i of a chunk as place() takes it; null for a malformed manifest line.
function fileOf(c: PlaceChunk | LineChunk, i: number): PlaceFile | null {
  const tmp = c.tmpPrefix + (c.tmpBase + i) + '.tmp';
  if (!('lines' in c)) {
    const name = c.names[i]!;
    return {
      src: c.srcDir + '/' + name,
      tmp,
      dst: c.dstDir + '/' + (c.dstNames ? c.dstNames[i] : name),
      size: c.sizes[i]!,
      sha256: c.shas[i]!,
      mode: c.modes[i]!,
      mtimeMs: c.mtimes[i]!,
    };
  }
  // kind, path, size, mtime, mode (octal), sha256, ...: see formatEntry in manifest.ts.
  const f = c.lines[i]!.split('\t');
  const name = f[1]!.slice(f[1]!.lastIndexOf('/') + 1);
  if (f.length !== 10 || name.includes('\0')) return null;
  return {
    src: c.srcDir + '/' + name,
    tmp,
    dst: c.dstDir + '/' + name,
    size: Number(f[2]),
    sha256: f[5]!,
    mode: parseInt(f[4]!, 8) & 0o7777,
    mtimeMs: Number(f[3]),
  };
}

function work(c: PlaceChunk | LineChunk): PlaceOutcome {
  const failures: [number, PlaceFailure][] = [];
  let bytes = 0;
  const n = ('lines' in c ? c.lines : c.names).length;
  for (let i = 0; i < n; i++) {
    const j = fileOf(c, i);
    const r = j ? place(j) : MALFORMED;
    if (r === 0) bytes += j!.size;
    else failures.push([i, r]);
  }
  return failures.length ? { bytes, failures } : bytes;
}

serveLanes(work);
