// The trash of a plan (.cairn/trash): what no one needs any more goes there by a rename; a sweep
// (retention/sweep.ts) deletes it later, off the critical path of the command that put it there.
import fs from 'node:fs';
import path from 'node:path';
import { fsPath } from './fsName';
import type { PlanLayout } from './layout';
import { unlinkTree } from './unlinkTree';

/**
 * Moves a file or folder into the plan's trash (a rename on the same file system); false when it was gone.
 * Where the rename cannot be done, it is deleted here.
 */
export function moveToTrash(layout: PlanLayout, p: string): boolean {
  const to = layout.trashSlot(path.basename(p));
  try {
    fs.mkdirSync(layout.trash, { recursive: true });
    fs.renameSync(fsPath(p), fsPath(to));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(fsPath(p))) return false;
    unlinkTree(p);
    return true;
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
