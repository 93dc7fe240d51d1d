import fs from 'node:fs';
import type { ManifestEntry } from '../format/manifest';
import { SafeTree, UnsafePath } from './safePath';
import { fsPath } from '../format/fsName';

/**
 * Where a restore gets a file version's bytes from: the local backup folder, or (added by the Drive
 * remote) packs downloaded from Drive. `read` hands the bytes to `sink` in order; it answers synchronously
 * when it can (returning undefined), which keeps restores of many small files fast. The restore hashes
 * what the sink receives and compares it with the manifest, so a source need not check content itself.
 */
export interface ContentSource {
  /** A short description for messages: "backup folder /media/usb/home/2026-11-23_020000". */
  readonly describe: string;
  read(entry: ManifestEntry, sink: (chunk: Uint8Array) => void, signal?: AbortSignal): void | Promise<void>;
  /**
   * A local source: where the version's file is, once every folder on the way is checked not to be a
   * symlink (the file itself is then opened with O_NOFOLLOW). Such files are restored on worker threads.
   */
  localPath?(entry: ManifestEntry): string;
  /** A local source: where a folder of the backup is, checked as for localPath; null when it is missing. */
  localFolder?(path: string): string | null;
  close?(): void | Promise<void>;
}

const CHUNK = 1 << 20;
const SYNC_MAX = 1 << 20;
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * Reads file versions from a local backup folder. Files are opened with O_NOFOLLOW and every folder on the
 * way is checked not to be a symlink, so a backup folder that was tampered with cannot make the restore
 * read files from elsewhere.
 */
export function localContent(backupDir: string): ContentSource {
  const tree = new SafeTree(backupDir);
  const buf = Buffer.allocUnsafe(CHUNK);
  return {
    describe: `backup folder ${backupDir}`,
    localPath(entry) {
      if (!tree.checkParents(entry.path)) throw missing(entry.path);
      return tree.abs(entry.path);
    },
    localFolder(path) {
      return tree.checkFolder(path) ? tree.abs(path) : null;
    },
    read(entry, sink, signal) {
      if (!tree.checkParents(entry.path)) throw missing(entry.path);
      let fd: number;
      try {
        // O_NONBLOCK: a pipe planted in the backup folder cannot stall the restore (it reads as empty).
        fd = fs.openSync(fsPath(tree.abs(entry.path)), fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ELOOP') throw unreadable(entry.path, code);
        throw e;
      }
      // What is read is hashed and checked against the manifest, so the size the manifest gives is enough here.
      if (entry.size <= SYNC_MAX) {
        try {
          // Stop once the manifest's size is read (no extra read for the end); a longer file shows as a
          // size mismatch all the same, as the first read takes more than the manifest says.
          for (let total = 0; ;) {
            const n = fs.readSync(fd, buf, 0, CHUNK, null);
            if (n === 0) return;
            sink(buf.subarray(0, n));
            total += n;
            if (total >= entry.size) return;
          }
        } finally {
          fs.closeSync(fd);
        }
      }
      return readAsync(fd, sink, signal);
    },
  };
}

async function readAsync(fd: number, sink: (c: Uint8Array) => void, signal?: AbortSignal): Promise<void> {
  const own = Buffer.allocUnsafe(CHUNK);
  const readChunk = () =>
    new Promise<number>((res, rej) =>
      fs.read(fd, own, 0, CHUNK, null, (err, n) => (err ? rej(err) : res(n))),
    );
  try {
    for (;;) {
      signal?.throwIfAborted();
      const n = await readChunk();
      if (n === 0) return;
      sink(own.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a version's file in the backup folder could not be opened, as the error a restore reports. */
export function unreadable(p: string, code: 'ENOENT' | 'ELOOP'): Error {
  return code === 'ELOOP' ? new UnsafePath(`"${p}" is a symlink in the backup folder`) : missing(p);
}

function missing(p: string): Error {
  return Object.assign(new Error(`"${p}" is missing from the backup folder`), { code: 'ENOENT' });
}
