import { escapeField } from '../format/manifest';
import type { LineFolder } from './placer';

/** A folder this restore made, chosen whole: its files go to the restore threads as manifest lines. */
export interface FastFolder extends LineFolder {
  /** Its path in the backup. */
  path: string;
  /** "f\t" + path + "/": how the manifest lines of its files start. */
  prefix: string;
  /** The root of the tree it is in (for onWrite). */
  root: string;
}

/**
 * The fast folders on the way down to where the walk is, each inside the one before. The manifest is in
 * walk order (folders before what they hold, a subfolder's entries together), so once the walk has left a
 * folder it never comes back to it.
 */
export class FastFolders {
  private readonly stack: FastFolder[] = [];

  get empty(): boolean {
    return this.stack.length === 0;
  }

  /** True when a folder's path can be matched against raw lines: it has nothing the manifest escapes. */
  static takes(path: string): boolean {
    return escapeField(path) === path;
  }

  /** Enters a folder (see takes): the folders it is not inside are done with. */
  enter(folder: Omit<FastFolder, 'prefix'>): void {
    const stack = this.stack;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!.path;
      if (folder.path.startsWith(top) && folder.path.charCodeAt(top.length) === 47) break;
      stack.pop();
    }
    stack.push({ ...folder, prefix: `f\t${folder.path}/` });
  }

  /**
   * The fast folder a manifest line's file is in, or null when the line needs the general path: another
   * kind, a path with escapes, a name that could be "." or "..", or a folder that is not a fast one.
   */
  folderOf(line: string): FastFolder | null {
    if (line.charCodeAt(0) !== 102 /* f */ || line.charCodeAt(1) !== 9 /* tab */) return null;
    const tab = line.indexOf('\t', 2);
    if (tab < 0) return null;
    const slash = line.lastIndexOf('/', tab);
    const len = tab - slash - 1; // of the name
    if (slash < 2 || len === 0) return null;
    if (len <= 2 && line.charCodeAt(slash + 1) === 46 && (len === 1 || line.charCodeAt(slash + 2) === 46))
      return null; // "." or ".."
    const bs = line.indexOf('\\', 2);
    if (bs >= 0 && bs < tab) return null;
    const stack = this.stack;
    for (let k = stack.length - 1; k >= 0; k--) {
      const f = stack[k]!;
      if (f.prefix.length !== slash + 1 || !line.startsWith(f.prefix)) continue;
      stack.length = k + 1; // the folders inside it are done with
      return f;
    }
    return null;
  }
}

/** The path of a file's manifest line taken by folderOf (it has no escapes). */
export function linePath(line: string): string {
  return line.slice(2, line.indexOf('\t', 2));
}
