import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../../catalog/db';
import { CairnError } from '../../errors';
import type { DriveFile, DriveRemote } from '../types';
import { encryptStream, type DriveKey } from './crypto';
import { applyManifestDelta, deltaParent, rebuildMap } from './delta';
import { fetchPlain } from './fetch';
import type { PlanFolders } from './folders';
import { manifestName, mapName, parseManifestName, parseMapName, props } from './layout';
import { listDriveManifests, replaceDriveFile, type CopyId } from './store';

export type Which = 'manifest' | 'map';

/** Where the files of a backup's chain come from: downloads a backup's manifest or map (plain gzip) to `dest`. */
export interface ChainSource {
  fetch(stamp: string, which: Which, dest: string): Promise<void>;
}

const missing = (stamp: string, which: Which) =>
  new CairnError(
    'not-found',
    `The ${which === 'manifest' ? 'manifest' : 'pack map'} of backup ${stamp} is not on Drive (a later backup is stored as changes to it); run cairn drive verify.`,
  );

/** A chain source from the catalog's record of what is on Drive. */
export function catalogSource(o: {
  db: Db;
  copy: CopyId;
  remote: DriveRemote;
  key: DriveKey | null;
  signal?: AbortSignal;
}): ChainSource {
  return {
    async fetch(stamp, which, dest) {
      const m = listDriveManifests(o.db, o.copy).find((x) => x.stamp === stamp);
      if (!m) throw missing(stamp, which);
      const f =
        which === 'manifest'
          ? { fileId: m.fileId, name: m.name, md5: m.md5 }
          : { fileId: m.mapFileId, name: m.mapName, md5: m.mapMd5 };
      await fetchPlain(o.remote, f, dest, o.key, o.signal);
    },
  };
}

/** A chain source from a listing of a plan's manifests folder on Drive (import, before the catalog knows). */
export function listingSource(remote: DriveRemote, files: DriveFile[], key: DriveKey | null): ChainSource {
  return {
    async fetch(stamp, which, dest) {
      const f = driveFileOf(files, stamp, which);
      if (!f) throw missing(stamp, which);
      await fetchPlain(remote, { fileId: f.id, name: f.name, md5: f.md5Checksum }, dest, key);
    },
  };
}

/** A backup's manifest or map in a listing of its manifests folder, full or delta. */
export function driveFileOf(files: DriveFile[], stamp: string, which: Which): DriveFile | undefined {
  const parse = which === 'manifest' ? parseManifestName : parseMapName;
  return files.find((f) => parse(f.name)?.stamp === stamp);
}

/**
 * A backup's full manifest in `dir` (`<stamp>.tsv.gz`), following its chain of deltas to the full one it
 * starts from. Rebuilt manifests stay in `dir` and are reused, so a caller walking many backups of one
 * chain downloads each file once.
 */
export async function fullManifest(
  src: ChainSource,
  stamp: string,
  dir: string,
  /** Filled with the parent (or null) of each manifest downloaded. */
  parents?: Map<string, string | null>,
): Promise<string> {
  const out = path.join(dir, `${stamp}.tsv.gz`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, `${stamp}.manifest.part`);
  await src.fetch(stamp, 'manifest', raw);
  try {
    const parent = await deltaParent(raw);
    parents?.set(stamp, parent);
    if (parent === null) fs.renameSync(raw, out);
    else await applyManifestDelta(await fullManifest(src, parent, dir, parents), raw, out);
  } finally {
    fs.rmSync(raw, { force: true });
  }
  return out;
}

/** The parent of a map fullMap downloaded into `dir` (null: full). */
export function mapParentIn(dir: string, stamp: string): Promise<string | null> {
  return deltaParent(path.join(dir, 'chain', `${stamp}.packs.gz`));
}

/**
 * A backup's full pack map in `dir` (`<stamp>.packs.tsv.gz`): a full map as it is, or its chain rebuilt
 * (delta.ts rebuildMap: the contents the backup's manifest names, later lines winning). The downloaded
 * map files stay in `dir/chain` for the next call.
 */
export async function fullMap(src: ChainSource, stamp: string, dir: string): Promise<string> {
  const out = path.join(dir, `${stamp}.packs.tsv.gz`);
  if (fs.existsSync(out)) return out;
  const chain: string[] = [];
  for (let s: string | null = stamp; s !== null;) {
    if (chain.length > 1000) throw new CairnError('corrupt', `The pack maps of backup ${stamp} form a loop.`);
    const raw = path.join(dir, 'chain', `${s}.packs.gz`);
    if (!fs.existsSync(raw)) {
      fs.mkdirSync(path.dirname(raw), { recursive: true });
      await src.fetch(s, 'map', `${raw}.part`);
      fs.renameSync(`${raw}.part`, raw);
    }
    chain.unshift(raw);
    s = await deltaParent(raw);
  }
  if (chain.length === 1) fs.copyFileSync(chain[0]!, out);
  else await rebuildMap(chain, await fullManifest(src, stamp, dir), out);
  return out;
}

export interface SmallUpload {
  remote: DriveRemote;
  folders: PlanFolders;
  key: DriveKey | null;
  /** Where the encrypted copy is written first. */
  workDir: string;
  signal?: AbortSignal;
}

/**
 * Uploads a manifest or map (encrypted first when there is a key). Copies a killed run left behind under
 * any of `clear` (the full and delta names of the same file) are deleted first, so the folder keeps one file
 * per backup and kind.
 */
export async function uploadSmall(
  o: SmallUpload,
  file: string,
  name: string,
  appProperties: Record<string, string>,
  clear: string[] = [name],
): Promise<{ id: string; md5: string }> {
  for (const n of clear)
    for (const f of await o.remote.listAll({ parentId: o.folders.manifests.id, name: n }))
      await o.remote.delete(f.id);
  let src = file;
  const tmp = path.join(o.workDir, `${name}.tmp`);
  if (o.key) {
    await pipeline(
      await encryptStream(fs.createReadStream(file) as Readable, o.key),
      fs.createWriteStream(tmp),
    );
    src = tmp;
  }
  try {
    const { file: f } = await o.remote.upload({
      parentId: o.folders.manifests.id,
      name,
      source: { path: src },
      appProperties,
      signal: o.signal,
    });
    return { id: f.id, md5: f.md5Checksum ?? '' };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Both names a backup's manifest or map can have on Drive. */
export function namesOf(stamp: string, which: Which, encrypted: boolean): { full: string; delta: string } {
  const name = which === 'manifest' ? manifestName : mapName;
  return { full: name(stamp, encrypted, false), delta: name(stamp, encrypted, true) };
}

/**
 * Writes a backup's manifest or map on Drive again as a FULL file (from `file`, its full form), records it,
 * then deletes the old file: at every point the catalog names a file that is on Drive.
 */
export async function replaceWithFull(
  o: SmallUpload & { db: Db; copy: CopyId },
  stamp: string,
  which: Which,
  file: string,
): Promise<void> {
  const m = listDriveManifests(o.db, o.copy).find((x) => x.stamp === stamp);
  if (!m) return;
  const oldId = which === 'manifest' ? m.fileId : m.mapFileId;
  const name = namesOf(stamp, which, o.key !== null).full;
  // Uploaded beside the old file (not over it), so a stop here leaves the recorded one in place.
  const prop = which === 'manifest' ? props.manifest(stamp) : props.map(stamp);
  const f = await uploadSmall(o, file, name, prop, []);
  replaceDriveFile(o.db, o.copy, stamp, which, { fileId: f.id, name, md5: f.md5 });
  if (oldId !== f.id) await o.remote.delete(oldId);
}
