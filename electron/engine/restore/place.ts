import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { alive } from '../backup/lock';
import type { ManifestEntry } from '../format/manifest';
import type { ContentSource } from './content';
import { fsPath } from '../format/fsName';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW;
let counter = 0;

/** The restored content differs from the manifest: the backup is damaged. Nothing was put in place. */
export class ContentMismatch extends Error {}

/** A temporary name in the same folder, so the final rename is atomic and never crosses file systems. */
export function tempName(dirAbs: string): string {
  return numberedTempName(dirAbs, ++counter);
}

/** Reserves n temporary numbers (restore threads name files .cairn-restore-PID-N.tmp); the first is returned. */
export function reserveTemps(n: number): number {
  const first = counter + 1;
  counter += n;
  return first;
}

/** Every temporary name of this process in a folder starts so; then comes its number and ".tmp". */
export function tempPrefix(dirAbs: string): string {
  return `${dirAbs}/.cairn-restore-${process.pid}-`;
}

/** Temporary file number n in a folder (numbers come from tempName or reserveTemps). */
export function numberedTempName(dirAbs: string, n: number): string {
  return `${tempPrefix(dirAbs)}${n}.tmp`;
}

const TEMP = /^\.cairn-restore-(\d+)-\d+\.tmp$/;

/** Removes temporary files a killed restore left in a folder (their process is gone). */
export function removeStaleTemps(dirAbs: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(fsPath(dirAbs));
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP.exec(n);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1])))
      fs.rmSync(fsPath(`${dirAbs}/${n}`), { force: true });
  }
}

/**
 * Writes a file version under a temporary name (O_EXCL, O_NOFOLLOW), hashing the bytes as they are written,
 * checks size and SHA-256 against the manifest, sets mode and mtime, then renames it over `finalAbs`. A crash
 * or a mismatch leaves nothing under the real name. Returns the bytes written.
 */
export async function placeFile(
  dirAbs: string,
  finalAbs: string,
  entry: ManifestEntry,
  source: ContentSource,
  signal?: AbortSignal,
): Promise<number> {
  const tmp = tempName(dirAbs);
  let fd = fs.openSync(fsPath(tmp), CREATE, 0o600);
  let placed = false;
  try {
    const hash = createHash('sha256');
    let size = 0;
    const sink = (c: Uint8Array) => {
      hash.update(c);
      let off = 0;
      while (off < c.length) off += fs.writeSync(fd, c, off, c.length - off);
      size += c.length;
    };
    const pending = source.read(entry, sink, signal);
    if (pending) await pending;
    const sha = hash.digest('hex');
    if (size !== entry.size || sha !== entry.sha256) {
      throw new ContentMismatch(
        size !== entry.size
          ? `content is ${size} bytes, the manifest says ${entry.size}: the backup copy is damaged`
          : 'content does not match its SHA-256 in the manifest: the backup copy is damaged',
      );
    }
    fs.fchmodSync(fd, entry.mode & 0o7777);
    const t = entry.mtimeMs / 1000;
    fs.futimesSync(fd, t, t);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(fsPath(tmp), fsPath(finalAbs));
    placed = true;
    return size;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    if (!placed) fs.rmSync(fsPath(tmp), { force: true });
  }
}

/** Makes a symlink (never followed) under a temporary name and renames it over `finalAbs`. */
export function placeSymlink(dirAbs: string, finalAbs: string, entry: ManifestEntry): void {
  const tmp = tempName(dirAbs);
  fs.symlinkSync(fsPath(entry.target ?? ''), fsPath(tmp));
  try {
    const t = entry.mtimeMs / 1000;
    fs.lutimesSync(fsPath(tmp), t, t);
    fs.renameSync(fsPath(tmp), fsPath(finalAbs));
  } catch (e) {
    fs.rmSync(fsPath(tmp), { force: true });
    throw e;
  }
}

/** True when an existing regular file already holds this version's content (read once, not followed). */
export function sameContent(abs: string, st: fs.Stats, entry: ManifestEntry): boolean {
  if (!st.isFile() || st.size !== entry.size) return false;
  const fd = fs.openSync(fsPath(abs), fs.constants.O_RDONLY | O_NOFOLLOW);
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex') === entry.sha256;
  } finally {
    fs.closeSync(fd);
  }
}

/** Gives an existing file or folder the version's mode and mtime when they differ. */
export function fixMeta(abs: string, st: fs.Stats, entry: ManifestEntry): void {
  if ((st.mode & 0o7777) !== (entry.mode & 0o7777)) fs.chmodSync(fsPath(abs), entry.mode & 0o7777);
  if (Math.abs(st.mtimeMs - entry.mtimeMs) > 0.001)
    fs.utimesSync(fsPath(abs), entry.mtimeMs / 1000, entry.mtimeMs / 1000);
}

/** "report.pdf" -> "report (restored 2026-11-23_020000).pdf": the name a kept-both restored copy gets. */
export function keepBothName(name: string, stamp: string, n: number): string {
  const tag = n > 1 ? `restored ${stamp} ${n}` : `restored ${stamp}`;
  const dot = name.lastIndexOf('.');
  if (dot > 0 && name.length - dot <= 10) return `${name.slice(0, dot)} (${tag})${name.slice(dot)}`;
  return `${name} (${tag})`;
}
