import fs from 'node:fs';
import { errnoCode } from '../errors';
import { fsPath } from '../format/fsName';

/** Why a path cannot be used safely; the restore reports it for the entry and goes on. */
export class UnsafePath extends Error {}

/**
 * Checks a relative path from a manifest: "/"-separated names, none empty, ".", ".." or holding a NUL, not
 * absolute. Such a path can never leave the folder it is joined to (symlinks aside, see SafeTree).
 */
export function checkRelPath(rel: string): void {
  if (rel === '') return;
  if (rel.startsWith('/') || rel.includes('\0')) throw new UnsafePath(`unsafe path "${rel}"`);
  for (const part of rel.split('/')) {
    if (part === '' || part === '.' || part === '..') throw new UnsafePath(`unsafe path "${rel}"`);
  }
}

/** The last name of a "/"-separated path. */
export function nameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The parent folder of a relative path ('' at the top). */
export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

/**
 * A folder that must never be left: every folder on the way to a path inside it is checked with lstat to be
 * a real folder (not a symlink), once, and remembered. Folders the restore makes itself are recorded as it
 * makes them.
 */
export class SafeTree {
  private readonly ok = new Set<string>(['']);
  private readonly madeDirs = new Set<string>();

  constructor(readonly root: string) {}

  /** The absolute path of a checked relative path. */
  abs(rel: string): string {
    return rel === '' ? this.root : `${this.root}/${rel}`;
  }

  /** Records a folder known to be real (made by us, or just checked). */
  trust(rel: string): void {
    this.ok.add(rel);
  }

  /** Forgets a folder (it was removed or replaced). */
  forget(rel: string): void {
    this.ok.delete(rel);
  }

  /** Records a folder this run made: nothing can be in the way inside it. */
  markMade(rel: string): void {
    this.madeDirs.add(rel);
  }

  /** True when this run made the folder. */
  made(rel: string): boolean {
    return this.madeDirs.has(rel);
  }

  /** True when a folder was checked or made in this run. */
  trusted(rel: string): boolean {
    return this.ok.has(rel);
  }

  /**
   * Throws UnsafePath unless every folder above rel is a real folder. Returns false when one of them does not
   * exist yet (nothing there to follow).
   */
  checkParents(rel: string): boolean {
    const parent = parentOf(rel);
    if (this.ok.has(parent) && rel.charCodeAt(0) !== 47) {
      // The folder was checked already: only the last name is new.
      const name = parent ? rel.slice(parent.length + 1) : rel;
      if (name === '' || name === '.' || name === '..' || name.includes('\0'))
        throw new UnsafePath(`unsafe path "${rel}"`);
      return true;
    }
    checkRelPath(rel);
    return this.checkFolders(parent);
  }

  /** As checkParents, for a folder: true when it and every folder above it are real folders. */
  checkFolder(rel: string): boolean {
    if (this.ok.has(rel)) return true;
    checkRelPath(rel);
    return this.checkFolders(rel);
  }

  private checkFolders(dir: string): boolean {
    let cur = '';
    for (const part of dir.split('/')) {
      cur = cur ? `${cur}/${part}` : part;
      if (this.ok.has(cur)) continue;
      let st: fs.Stats;
      try {
        st = fs.lstatSync(fsPath(this.abs(cur)));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return false;
        throw e;
      }
      if (st.isSymbolicLink())
        throw new UnsafePath(`"${cur}" is a symlink; nothing is written or read through it`);
      if (!st.isDirectory()) throw new UnsafePath(`"${cur}" is not a folder`);
      this.ok.add(cur);
    }
    return true;
  }
}
