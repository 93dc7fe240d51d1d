import fs from 'node:fs';
import { fsPath, readNames } from './fsName';

export interface DiskItem {
  /** Path relative to the walked folder, "/"-separated, like a manifest path. */
  rel: string;
  /** The path in Cairn's string form (see fsName.ts): give fs calls fsPath(abs). */
  abs: string;
  st: fs.Stats;
}

/**
 * Lists a folder depth-first with names sorted as the backup walk sorts them, so the result comes in the
 * same order as the manifest (comparePaths) and the two can be merge-joined while streaming. Symlinks are
 * listed, never followed. Unreadable folders are reported through onError and treated as empty; what `skip`
 * answers true for is left out with everything under it.
 */
export function* walkSorted(
  root: string,
  onError: (rel: string, e: unknown) => void,
  skip?: (rel: string, st: fs.Stats) => boolean,
): Generator<DiskItem> {
  const stack: { rel: string; names: string[]; i: number }[] = [];
  const open = (rel: string) => {
    let names: string[] = [];
    try {
      names = readNames(rel ? `${root}/${rel}` : root).sort();
    } catch (e) {
      onError(rel, e);
    }
    stack.push({ rel, names, i: 0 });
  };
  open('');
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.names.length) {
      stack.pop();
      continue;
    }
    const name = top.names[top.i++]!;
    const rel = top.rel ? `${top.rel}/${name}` : name;
    const abs = `${root}/${rel}`;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(fsPath(abs));
    } catch (e) {
      onError(rel, e);
      continue;
    }
    if (skip?.(rel, st)) continue;
    yield { rel, abs, st };
    if (st.isDirectory()) open(rel);
  }
}
