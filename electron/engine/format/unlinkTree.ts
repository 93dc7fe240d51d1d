// Deletes a tree with the fewest system calls Node offers: one readdir with file types per folder (no lstat
// per file), one unlink per file and one rmdir per folder, bottom-up. The sweep's threads run it
// (sweepWorker.ts), so it imports only Node built-ins and fsName. Paths are strings; a folder holding a name
// that is not UTF-8 is read again as bytes, and paths below it are Buffers: any name is deleted.
import fs from 'node:fs';
import { fsPath } from './fsName';

const SLASH = Buffer.from('/');

/** A path as fs calls take it: a string, or bytes below a name that is not UTF-8. */
export type FsPath = string | Buffer;

const bytes = (p: FsPath) => (typeof p === 'string' ? Buffer.from(p) : p);

function join(dir: FsPath, name: FsPath): FsPath {
  if (typeof dir === 'string' && typeof name === 'string') return `${dir}/${name}`;
  return Buffer.concat([bytes(dir), SLASH, bytes(name)]);
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** Gives the owner every right on a folder (backups keep the source's modes: a read-only folder). */
function openUp(dir: FsPath): void {
  const st = fs.lstatSync(dir);
  if (st.isDirectory()) fs.chmodSync(dir, (st.mode & 0o7777) | 0o700);
}

function read(dir: FsPath): fs.Dirent<FsPath>[] {
  const list: fs.Dirent<FsPath>[] = fs.readdirSync(dir, { withFileTypes: true, encoding: 'utf8' });
  if (!list.some((d) => (d.name as string).includes('\uFFFD'))) return list;
  return fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
}

function entries(dir: FsPath): fs.Dirent<FsPath>[] {
  try {
    return read(dir);
  } catch (e) {
    if (code(e) === 'ENOENT' || code(e) === 'ENOTDIR') return [];
    if (code(e) !== 'EACCES' && code(e) !== 'EPERM') throw e;
    openUp(dir);
    return read(dir);
  }
}

/** Runs a deletion in `dir`; when the folder denies it, opens the folder up once and tries again. */
function inFolder(dir: FsPath, remove: () => void): void {
  try {
    remove();
  } catch (e) {
    if (code(e) === 'ENOENT') return; // another sweep took it first
    if (code(e) !== 'EACCES' && code(e) !== 'EPERM') throw e;
    openUp(dir);
    try {
      remove();
    } catch (e2) {
      if (code(e2) !== 'ENOENT') throw e2;
    }
  }
}

function clear(dir: FsPath): void {
  for (const d of entries(dir)) {
    const p = join(dir, d.name);
    // A symlink is a link here (its type is the link's own): it is unlinked, never followed.
    if (d.isDirectory()) removeDir(p, dir);
    else inFolder(dir, () => fs.unlinkSync(p));
  }
}

function removeDir(dir: FsPath, parent: FsPath): void {
  // Another sweep may still be emptying a folder this one found (two sweeps on one trash): read it again.
  for (let round = 0; ; round++) {
    clear(dir);
    try {
      inFolder(parent, () => fs.rmdirSync(dir));
      return;
    } catch (e) {
      if (code(e) !== 'ENOTEMPTY' && code(e) !== 'EEXIST') throw e;
      if (round >= 100) throw e;
    }
  }
}

/** Deletes `dir` and everything under it (nothing when it is gone already). Never follows a symlink. */
export function unlinkTree(dir: FsPath): void {
  const p = typeof dir === 'string' ? fsPath(dir) : dir;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    if (code(e) === 'ENOENT') return;
    throw e;
  }
  const slash = typeof p === 'string' ? p.lastIndexOf('/') : p.lastIndexOf(SLASH);
  const parent = slash <= 0 ? '.' : typeof p === 'string' ? p.slice(0, slash) : p.subarray(0, slash);
  if (st.isDirectory()) removeDir(p, parent);
  else inFolder(parent, () => fs.unlinkSync(p));
}

/**
 * Splits the tree under `root` breadth-first into at least `want` subtrees where it can (a few levels
 * down), deleting the files met on the way: the subtrees go to threads side by side, then finishSplit
 * removes the folders split (`root` itself stays).
 */
export function splitTree(root: FsPath, want: number): { subtrees: FsPath[]; split: FsPath[] } {
  let frontier = [root];
  const split: FsPath[] = [];
  for (let depth = 0; depth < 4 && frontier.length > 0 && frontier.length < want; depth++) {
    const next: FsPath[] = [];
    for (const dir of frontier) {
      split.push(dir);
      for (const d of entries(dir)) {
        const p = join(dir, d.name);
        if (d.isDirectory()) next.push(p);
        else inFolder(dir, () => fs.unlinkSync(p));
      }
    }
    frontier = next;
  }
  return { subtrees: frontier, split };
}

/** Removes the folders splitTree split, deepest first, with whatever is left in them (not the root). */
export function finishSplit(split: FsPath[]): void {
  for (let i = split.length - 1; i > 0; i--) unlinkTree(split[i]!);
}
