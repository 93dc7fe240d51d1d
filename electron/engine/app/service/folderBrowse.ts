// The folder browser behind `cairn serve`'s folder picker: one folder's subfolders, its parent, the home
// folder and the roots. Only names of folders are told (never files), and only to a caller with the token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CairnError, errnoCode } from '../../errors';

/** At most this many folders are listed (by name); a bigger folder says it was cut. */
export const FOLDER_LIST_LIMIT = 2000;

export interface FolderListing {
  path: string;
  parent: string | null;
  home: string;
  roots: string[];
  folders: { name: string; path: string }[];
  truncated: boolean;
}

/** The file system roots: "/" here, the drive letters that exist on Windows. */
export function fileSystemRoots(platform = process.platform): string[] {
  if (platform !== 'win32') return ['/'];
  return [...'CDEFGHIJKLMNOPQRSTUVWXYZ'].map((l) => `${l}:\\`).filter((r) => fs.existsSync(r));
}

/** Why a folder cannot be listed, as a sentence a person can act on. */
function refusal(dir: string, e: unknown): CairnError {
  const code = errnoCode(e);
  if (code === 'ENOENT') return new CairnError('not-found', `The folder ${dir} is not there.`);
  if (code === 'ENOTDIR') return new CairnError('usage', `${dir} is a file, not a folder.`);
  if (code === 'EACCES' || code === 'EPERM')
    return new CairnError('io', `Cairn may not read the folder ${dir} (permission denied); choose another.`);
  return new CairnError('io', `The folder ${dir} cannot be read (${code ?? String(e)}).`);
}

/** A symbolic link counts as a folder when it leads to one (a broken link does not). */
function isFolder(dir: string, d: fs.Dirent): boolean {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  try {
    return fs.statSync(path.join(dir, d.name)).isDirectory();
  } catch {
    return false;
  }
}

/** Lists the folders in `dir` (the home folder when absent), by name; hidden ones (".x") only when asked. */
export function browseFolders(o: { path?: string; hidden?: boolean; home?: string }): FolderListing {
  const home = o.home ?? os.homedir();
  const dir = path.resolve(o.path ?? home);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw refusal(dir, e);
  }
  const names = entries
    .filter((d) => (o.hidden || !d.name.startsWith('.')) && isFolder(dir, d))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
  const parent = path.dirname(dir);
  return {
    path: dir,
    parent: parent === dir ? null : parent,
    home,
    roots: fileSystemRoots(),
    folders: names.slice(0, FOLDER_LIST_LIMIT).map((name) => ({ name, path: path.join(dir, name) })),
    truncated: names.length > FOLDER_LIST_LIMIT,
  };
}
