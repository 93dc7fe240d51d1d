import type fs from 'node:fs';
import { latestGoodBackup } from '../catalog/backups';
import type { Db } from '../catalog/db';
import { iterateBackup, listFolder, versionAt, type FileVersion } from '../catalog/versions';

/** What the watcher compares of a file: the figures the backup's walk decides "unchanged" by. */
export type Seen = Pick<FileVersion, 'kind' | 'size' | 'mtimeMs' | 'mode'>;

/** What a path holds now, in the backup's terms; null for what a backup does not keep (gone, a device). */
export function seenOf(st: fs.Stats | null): Seen | null {
  if (!st) return null;
  const kind = st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : st.isDirectory() ? 'd' : null;
  return kind && { kind, size: kind === 'd' ? 0 : st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
}

/**
 * Whether a file or symlink differs from its version in the backup (either may be null: absent). Folders
 * are not files: a folder's own change is not counted (the files in it are).
 */
export function changed(now: Seen | null, was: Seen | null): boolean {
  if (now?.kind === 'd' && (!was || was.kind === 'd')) return false;
  if (!now || !was) return (now ?? was)?.kind === 'f' || (now ?? was)?.kind === 'l';
  return (
    now.kind !== was.kind || now.size !== was.size || now.mtimeMs !== was.mtimeMs || now.mode !== was.mode
  );
}

/**
 * The plan's last good backup as the catalog holds it, however it was made (app, serve or CLI): what
 * "changed since the last backup" is measured against. Empty before the first backup: everything is new.
 */
export class Baseline {
  backupId: number | null = null;

  constructor(
    private readonly db: Db,
    private readonly planId: number,
  ) {
    this.refresh();
  }

  /** Follows the newest good backup; true when it is another one than before. */
  refresh(): boolean {
    const id = latestGoodBackup(this.db, this.planId)?.id ?? null;
    if (id === this.backupId) return false;
    this.backupId = id;
    return true;
  }

  /** A path's version in the backup ("label/rel"), or null. */
  entry(path: string): Seen | null {
    return this.backupId === null ? null : (versionAt(this.db, this.planId, this.backupId, path) ?? null);
  }

  /** A folder's entries in the backup, by name. */
  folder(path: string): Map<string, Seen> {
    if (this.backupId === null) return new Map();
    return new Map(listFolder(this.db, this.planId, this.backupId, path).map((v) => [v.name, v]));
  }

  /** The files and symlinks the backup holds under a folder (paths, for a folder that is gone). */
  *filesUnder(path: string): Generator<string> {
    if (this.backupId === null) return;
    for (const v of iterateBackup(this.db, this.planId, this.backupId, path))
      if (v.kind !== 'd' && v.path !== path) yield v.path;
  }
}
