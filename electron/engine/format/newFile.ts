// What the copy threads (backup) and the place threads (restore) share when they write a new file.
import { createHash, hash as hashOnce, type Hash } from 'node:crypto';

/** The process's umask, read once: threads share it, and Cairn never changes it. */
const UMASK = process.umask();

/**
 * Whether a file created with `mode` gets exactly that mode (plain permission bits that the umask keeps), so
 * it can be created with it and needs no fchmod afterwards; any other mode is created private and set after.
 */
export function keptAtCreate(mode: number): boolean {
  return (mode & ~UMASK & 0o777) === mode;
}

/** SHA-256 of one buffer in one call (a file read in one go, most files); crypto.hash is in Node 20.12+. */
export const sha256Once: (b: Buffer) => string = hashOnce
  ? (b) => hashOnce('sha256', b)
  : (b) => createHash('sha256').update(b).digest('hex');

/**
 * SHA-256 of a file as it is read: a file that comes in one read (most do) is hashed in one call, a longer
 * one chunk by chunk.
 */
export class FileHash {
  private hash: Hash | null = null;
  private once = '';

  /** Adds the next chunk; `whole` when it is all of the file (its first read, and nothing follows). */
  update(chunk: Buffer, whole: boolean): void {
    if (this.once) throw new Error('data after a chunk that was the whole file');
    if (whole && !this.hash) this.once = sha256Once(chunk);
    else (this.hash ??= createHash('sha256')).update(chunk);
  }

  /** The hex digest of everything added (of no bytes when nothing was). */
  digest(): string {
    return this.hash ? this.hash.digest('hex') : this.once || sha256Once(Buffer.alloc(0));
  }
}
