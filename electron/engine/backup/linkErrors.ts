// Shared by the walk and the copy threads (which load little: Node built-ins and small modules only).

/** Errors a hard link may meet where a copy still works: the previous copy is gone or cannot take a link. */
export const LINK_FALLBACK = new Set(['ENOENT', 'EMLINK', 'EPERM', 'EXDEV', 'ENOTSUP', 'EOPNOTSUPP']);

/** A link job's answer for a source that is no longer what the previous backup holds: it is copied instead. */
export const CHANGED = 'CHANGED';
