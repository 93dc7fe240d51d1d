import ignore, { type Ignore } from 'ignore';

/**
 * What a new plan leaves out unless the user changes it: caches, trash, temporary and generated files
 * (the seed runbooks' "what not to back up"). They are stored as ordinary, visible, editable patterns.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '.cache/',
  '.Trash/',
  '.Trash-*/',
  '.local/share/Trash/',
  '$RECYCLE.BIN/',
  '.thumbnails/',
  'node_modules/',
  '__pycache__/',
  '*.tmp',
  '*.temp',
  '*.swp',
  '*~',
  '*.part',
  '*.crdownload',
  '.~lock.*#',
  '.DS_Store',
  'Thumbs.db',
];

export interface ExcludeMatcher {
  /** True when this path (relative to its source, "/"-separated) is left out. */
  excluded(relPath: string, isDir: boolean): boolean;
}

/** Builds a matcher from .gitignore-style patterns. */
export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const active = patterns.map((p) => p.trim()).filter((p) => p && !p.startsWith('#'));
  if (active.length === 0) return { excluded: () => false };
  const ig: Ignore = ignore({ allowRelativePaths: true }).add(active);
  return { excluded: (rel, isDir) => ig.ignores(isDir ? rel + '/' : rel) };
}

/** Throws a readable message when a pattern cannot be used. */
export function checkExcludes(patterns: readonly string[]): void {
  for (const p of patterns) {
    if (p.includes('\0')) throw new Error(`Exclude pattern ${JSON.stringify(p)} contains a NUL byte.`);
  }
  excludeMatcher(patterns).excluded('probe', false);
}
