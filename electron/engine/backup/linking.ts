// What the walk and the copy threads agree on for hard links (the threads load little: Node built-ins and
// small modules only).

/** Errors a hard link may meet where a copy still works: the previous copy is gone or cannot take a link. */
export const LINK_FALLBACK = new Set(['ENOENT', 'EMLINK', 'EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP']);

/** A link job's answer for a source that is no longer what the previous backup holds: it is copied instead. */
export const CHANGED = 'CHANGED';

/** The lstat figures that tell a source file is unchanged since a backup copied it. */
interface SourceStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  mode: number;
  dev: number;
  ino: number;
}

/**
 * Whether a source file still has the figures a backup recorded for it (size, mtime, ctime, permission bits
 * and "dev:ino"): then its copy in that backup can be hard-linked instead of read again.
 */
export function sameSource(
  st: SourceStat,
  size: number,
  mtimeMs: number,
  ctimeMs: number | null,
  mode: number,
  ino: string | null,
): boolean {
  return (
    st.size === size &&
    st.mtimeMs === mtimeMs &&
    st.ctimeMs === ctimeMs &&
    (st.mode & 0o7777) === mode &&
    `${st.dev}:${st.ino}` === ino
  );
}
