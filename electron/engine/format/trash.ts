// The trash of a plan (.cairn/trash): what no one needs any more goes there by a rename; a sweep
// (retention/sweep.ts) deletes it later, off the critical path of the command that put it there.
import fs from 'node:fs';
import path from 'node:path';
import { fsPath } from './fsName';
import type { PlanLayout } from './layout';
import { unlinkTree } from './unlinkTree';

/**
 * Moves a file or folder into the plan's trash (a rename on the same file system): its path there, or null
 * when it was gone. Where the rename cannot be done, it is deleted here.
 */
export function moveToTrash(layout: PlanLayout, p: string): string | null {
  const to = layout.trashSlot(path.basename(p));
  try {
    fs.mkdirSync(layout.trash, { recursive: true });
    fs.renameSync(fsPath(p), fsPath(to));
    return to;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(fsPath(p))) return null;
    unlinkTree(p);
    return null;
  }
}

/** True when the trash holds nothing (or is not there). */
export function trashIsEmpty(trash: string): boolean {
  try {
    return fs.readdirSync(trash).length === 0;
  } catch {
    return true;
  }
}

/** Who empties a plan's trash once a prune or a removal has moved backups' folders into it. */
export interface TrashSweeper {
  /** `moved`: the folders just moved in; `entries`: the files, folders and links they hold (the catalog's count). */
  dropped(plan: { dest: string; name: string }, moved: string[], entries: number): void;
}

/** Without a sweeper the folders go at once, as the command's last step. */
export const inlineSweeper: TrashSweeper = {
  dropped: (_plan, moved) => moved.forEach((p) => unlinkTree(p)),
};

/** The files, folders and links of backups, as the catalog counts them. */
export function entriesOf(backups: { files: number; dirs: number; symlinks: number }[]): number {
  return backups.reduce((n, b) => n + b.files + b.dirs + b.symlinks, 0);
}
