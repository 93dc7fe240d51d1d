import fs from 'node:fs';
import { CairnError, errnoCode } from '../errors';
import { fsPath } from '../format/fsName';
import { checkRelPath, SafeTree, UnsafePath } from './safePath';

/** A regular file of a backup, open for reading. Close `fd` when done. */
export interface OpenBackupFile {
  fd: number;
  size: number;
  /** Its absolute path. */
  file: string;
}

/**
 * Opens the file `rel` ("/"-separated, starting with the source label) of the backup folder `root` for
 * reading, never leaving it: no "..", ".", empty or absolute part, no folder on the way that is a symlink,
 * and the file itself is not followed when it is a symlink (O_NOFOLLOW). Throws UnsafePath for a path that
 * would leave the folder, CairnError not-found when the file is not there.
 */
export function openBackupFile(root: string, rel: string): OpenBackupFile {
  if (rel === '') throw new UnsafePath('give the path of a file inside the backup');
  checkRelPath(rel);
  const tree = new SafeTree(root);
  const file = tree.abs(rel);
  const gone = () => new CairnError('not-found', `The backup folder ${root} holds no file ${rel}.`);
  if (!fs.existsSync(root)) throw new CairnError('not-found', `The backup folder ${root} is not there.`);
  if (!tree.checkParents(rel)) throw gone();
  let fd: number;
  try {
    fd = fs.openSync(fsPath(file), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new UnsafePath(`"${rel}" is a symlink; it is not followed`);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw gone();
    throw e;
  }
  const st = fs.fstatSync(fd);
  if (!st.isFile()) {
    fs.closeSync(fd);
    throw new UnsafePath(`"${rel}" is not a file`);
  }
  return { fd, size: st.size, file };
}

/** Reads up to `max` bytes from the start of an open file. */
export function readHead(fd: number, max: number): Buffer {
  const buf = Buffer.allocUnsafe(max);
  let got = 0;
  while (got < max) {
    const n = fs.readSync(fd, buf, got, max - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}
