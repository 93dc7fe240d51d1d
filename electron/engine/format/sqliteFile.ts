import fs from 'node:fs';

// A SQLite database in a backup is a consistent copy made with SQLite's backup API, not a byte copy: its
// first bytes decide how a file is copied.
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** True when a file's first bytes are a SQLite database header. */
export function isSqliteHeader(buf: Buffer, n: number): boolean {
  return n >= 100 && buf.subarray(0, 16).equals(SQLITE_MAGIC);
}

/** Reads a file's first bytes to tell whether it is a SQLite database (false when it cannot be read). */
export function isSqliteFile(file: string): boolean {
  let fd = -1;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
    const head = Buffer.alloc(100);
    return isSqliteHeader(head, fs.readSync(fd, head, 0, 100, 0));
  } catch {
    return false;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
