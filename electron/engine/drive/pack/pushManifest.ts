import fs from 'node:fs';
import path from 'node:path';
import { fsPath, hasRawBytes } from '../../format/fsName';
import { LineSink } from '../../format/lineSink';
import type { ManifestReader } from '../../format/manifest';
import type { Db } from '../../catalog/db';
import type { DriveRemote } from '../types';
import { namesOf, uploadSmall, type Which } from './chain';
import type { DriveKey } from './crypto';
import { writeManifestDelta, writeMapDelta } from './delta';
import type { PlanFolders } from './folders';
import { MAX_DELTA_CHAIN, props } from './layout';
import type { Packer } from './packer';
import { insertDriveManifest, listDriveManifests, packOf } from './store';
import { hashFile } from './writer';

export interface PushManifestOptions {
  db: Db;
  remote: DriveRemote;
  planId: number;
  stamp: string;
  startedAt: number;
  backupDir: string;
  manifestFile: string;
  /** The plan's previous backup and its local manifest: the parent of a delta when it is on Drive. */
  parent: { stamp: string; manifestFile: string } | null;
  reader: ManifestReader;
  packer: Packer;
  folders: PlanFolders;
  key: DriveKey | null;
  stagingDir: string;
  now: () => number;
  signal?: AbortSignal;
  onContent: (bytes: number) => void;
  onUnreadable: (path: string) => void;
}

/**
 * Pushes one backup: packs every content of its manifest that no pack of the plan holds (each checked
 * against the manifest's SHA-256 as it is read), writes the pack map ("sha256 TAB pack file"), and uploads
 * the manifest and the map once all their packs are on Drive. Returns false (nothing recorded) when a
 * content could not be read whole.
 */
export async function pushManifest(o: PushManifestOptions): Promise<boolean> {
  const inPack = packOf(o.db, o.planId);
  const mapTmp = path.join(o.stagingDir, `${o.stamp}.packs.tsv.gz.tmp`);
  fs.mkdirSync(o.stagingDir, { recursive: true });
  fs.rmSync(mapTmp, { force: true });
  const map = new LineSink(mapTmp, true);
  const linkDir = path.join(o.stagingDir, `${o.stamp}.named`);
  let whole = true;
  let files = 0;
  let bytes = 0;
  let entries = 0;
  try {
    for (let e = await o.reader.peek(); e; e = await o.reader.peek()) {
      o.reader.advance();
      entries++;
      if (e.kind !== 'f' || !e.sha256) continue;
      files++;
      bytes += e.size;
      const known = inPack(e.sha256);
      let pack = known?.name;
      if (!pack && o.packer.has(e.sha256)) pack = o.packer.nameOf(e.sha256);
      if (!pack) {
        o.signal?.throwIfAborted();
        const abs = path.join(o.backupDir, e.path);
        // The content becomes this SHA-256's only copy on Drive: check it before it goes.
        if ((await hashFile(abs)) !== e.sha256) {
          o.onUnreadable(e.path);
          whole = false;
          continue;
        }
        pack = await o.packer.add({ sha256: e.sha256, size: e.size, abs: tarPath(abs, e.sha256, linkDir) });
        o.onContent(e.size);
      }
      await map.add(`${e.sha256}\t${pack}`);
    }
    await o.packer.finish();
    await map.finish();
  } catch (err) {
    await o.packer.drain().catch(() => undefined);
    map.abort();
    fs.rmSync(mapTmp, { force: true });
    throw err;
  } finally {
    o.reader.close();
    fs.rmSync(linkDir, { recursive: true, force: true });
  }
  if (!whole) {
    fs.rmSync(mapTmp, { force: true });
    return false;
  }
  const parts = await chooseParts(o, mapTmp, entries);
  try {
    const enc = o.key !== null;
    const up = { ...o, workDir: o.stagingDir };
    const upload = async (which: Which, part: Part) => {
      const n = namesOf(o.stamp, which, enc);
      const name = part.parent === null ? n.full : n.delta;
      const prop = which === 'manifest' ? props.manifest(o.stamp) : props.map(o.stamp);
      return { name, ...(await uploadSmall(up, part.file, name, prop, [n.full, n.delta])) };
    };
    const m = await upload('manifest', parts.manifest);
    const p = await upload('map', parts.map);
    insertDriveManifest(o.db, {
      planId: o.planId,
      stamp: o.stamp,
      fileId: m.id,
      name: m.name,
      md5: m.md5,
      mapFileId: p.id,
      mapName: p.name,
      mapMd5: p.md5,
      files,
      bytes,
      startedAt: o.startedAt,
      uploadedAt: o.now(),
      manifestParent: parts.manifest.parent,
      mapParent: parts.map.parent,
    });
  } finally {
    fs.rmSync(mapTmp, { force: true });
    for (const part of [parts.manifest, parts.map])
      if (part.parent !== null) fs.rmSync(part.file, { force: true });
  }
  return true;
}

/**
 * node-tar opens members by text path: a content whose name is not UTF-8 goes in through a hard link named
 * by its SHA-256 beside the staged packs (a copy when the link fails). Packs name members by SHA-256 anyway.
 */
function tarPath(abs: string, sha256: string, dir: string): string {
  if (!hasRawBytes(abs)) return abs;
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, sha256);
  fs.rmSync(link, { force: true });
  try {
    fs.linkSync(fsPath(abs), link);
  } catch {
    fs.copyFileSync(fsPath(abs), link);
  }
  return link;
}

/** A file to upload for the manifest or the map: full (parent null) or a delta against `parent`. */
interface Part {
  file: string;
  parent: string | null;
}

/**
 * Chooses full files or deltas (format16 section 3): a delta when the previous backup is on Drive, its chain
 * holds fewer than MAX_DELTA_CHAIN deltas, and the delta is at most half the full file; else full.
 */
async function chooseParts(
  o: PushManifestOptions,
  mapTmp: string,
  entries: number,
): Promise<{ manifest: Part; map: Part }> {
  const out = { manifest: { file: o.manifestFile, parent: null }, map: { file: mapTmp, parent: null } } as {
    manifest: Part;
    map: Part;
  };
  const base =
    o.parent && fs.existsSync(o.parent.manifestFile) ? chainRoom(o.db, o.planId, o.parent.stamp) : null;
  if (!base || (!base.manifest && !base.map)) return out;
  const parent = o.parent!.stamp;
  const mDelta = path.join(o.stagingDir, `${o.stamp}.delta.tsv.gz.tmp`);
  const pDelta = path.join(o.stagingDir, `${o.stamp}.packs.delta.tsv.gz.tmp`);
  fs.rmSync(mDelta, { force: true });
  fs.rmSync(pDelta, { force: true });
  const d = await writeManifestDelta({
    parentFile: o.parent!.manifestFile,
    childFile: o.manifestFile,
    parentStamp: parent,
    out: mDelta,
    maxLines: Math.floor(entries / 2),
  });
  if (!d) return out;
  const halfOf = (delta: string, full: string) => fs.statSync(delta).size * 2 <= fs.statSync(full).size;
  if (base.manifest && halfOf(mDelta, o.manifestFile)) out.manifest = { file: mDelta, parent };
  else fs.rmSync(mDelta, { force: true });
  if (base.map) {
    await writeMapDelta({ mapFile: mapTmp, shas: d.shas, parentStamp: parent, out: pDelta });
    if (halfOf(pDelta, mapTmp)) out.map = { file: pDelta, parent };
    else fs.rmSync(pDelta, { force: true });
  }
  return out;
}

/** Whether a delta against `stamp` is allowed, for the manifest and for the map: it is on Drive and its chain has room. */
function chainRoom(db: Db, planId: number, stamp: string): { manifest: boolean; map: boolean } | null {
  const rows = new Map(listDriveManifests(db, planId).map((r) => [r.stamp, r]));
  const row = rows.get(stamp);
  if (!row) return null;
  const depth = (key: 'manifestParent' | 'mapParent') => {
    let n = 0;
    for (let r = row; r[key]; n++) {
      const up = rows.get(r[key]!);
      if (!up || n >= MAX_DELTA_CHAIN) return Infinity; // a broken chain is not extended
      r = up;
    }
    return n;
  };
  return { manifest: depth('manifestParent') < MAX_DELTA_CHAIN, map: depth('mapParent') < MAX_DELTA_CHAIN };
}
