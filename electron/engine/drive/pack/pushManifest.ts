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
import { mapLine, type MapLine, MAX_DELTA_CHAIN, type Piece, PIECE_THRESHOLD, props } from './layout';
import type { Packer } from './packer';
import { knownPieces, packNameOf, packPieces } from './pieces';
import {
  insertDriveManifest,
  insertPieces,
  listDriveManifests,
  packOf,
  piecesOf,
  type CopyId,
} from './store';
import { hashFile } from './writer';

export interface PushManifestOptions {
  db: Db;
  remote: DriveRemote;
  copy: CopyId;
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
 * Pushes one backup: packs every content of its manifest that Drive lacks (each checked against the
 * manifest's SHA-256 as it is read; a content of PIECE_THRESHOLD or more as pieces, only the pieces Drive
 * lacks), writes the pack map ("sha256 TAB pack file", or one line per piece), and uploads
 * the manifest and the map once all their packs are on Drive. Returns false (nothing recorded) when a
 * content could not be read whole.
 */
export async function pushManifest(o: PushManifestOptions): Promise<boolean> {
  const at = { packer: o.packer, inPack: packOf(o.db, o.copy) };
  /** Piece lists read in this push, recorded once their packs are all on Drive. */
  const read = new Map<string, Piece[]>();
  const recorded = piecesOf(o.db, o.copy);
  const mapTmp = path.join(o.stagingDir, `${o.stamp}.packs.tsv.gz.tmp`);
  fs.mkdirSync(o.stagingDir, { recursive: true });
  fs.rmSync(mapTmp, { force: true });
  const map = new LineSink(mapTmp, true);
  const linkDir = path.join(o.stagingDir, `${o.stamp}.named`);
  const pieceDir = path.join(o.stagingDir, `${o.stamp}.pieces`);
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
      const pack = packNameOf(at, e.sha256);
      if (pack) {
        await map.add(mapLine({ sha256: e.sha256, pack }));
        continue;
      }
      o.signal?.throwIfAborted();
      const abs = path.join(o.backupDir, e.path);
      let lines: MapLine[] | null;
      if (e.size >= PIECE_THRESHOLD) {
        const listed = read.get(e.sha256) ?? recorded(e.sha256);
        const r = await pieceLines(o, at, listed, { abs, sha256: e.sha256, size: e.size, pieceDir });
        if (r) read.set(e.sha256, r.pieces);
        lines = r?.lines ?? null;
      } else lines = await wholeLines(o, abs, e.sha256, e.size, linkDir);
      if (!lines) {
        o.onUnreadable(e.path);
        whole = false;
        continue;
      }
      for (const l of lines) await map.add(mapLine(l));
    }
    await o.packer.finish();
    for (const [sha, pieces] of read) insertPieces(o.db, o.copy, sha, pieces);
    await map.finish();
  } catch (err) {
    await o.packer.drain().catch(() => undefined);
    await map.abort();
    throw err;
  } finally {
    o.reader.close();
    fs.rmSync(linkDir, { recursive: true, force: true });
    fs.rmSync(pieceDir, { recursive: true, force: true });
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
      ...o.copy,
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

/** Packs a content whole; null when the backup folder's copy does not match the manifest. */
async function wholeLines(
  o: PushManifestOptions,
  abs: string,
  sha256: string,
  size: number,
  linkDir: string,
): Promise<MapLine[] | null> {
  // The content becomes this SHA-256's only copy on Drive: check it before it goes.
  if ((await hashFile(abs)) !== sha256) return null;
  const pack = await o.packer.add({ sha256, size, abs: tarPath(abs, sha256, linkDir) });
  o.onContent(size);
  return [{ sha256, pack }];
}

/**
 * A large content's pieces and map lines, one per piece: from its piece list when every piece is in a pack
 * already, else by reading the file and packing the pieces Drive lacks (the caller records the piece list
 * once every pack is on Drive, so a recorded piece list always names pieces in packs).
 */
async function pieceLines(
  o: PushManifestOptions,
  at: Parameters<typeof knownPieces>[0],
  listed: Piece[],
  f: { abs: string; sha256: string; size: number; pieceDir: string },
): Promise<{ pieces: Piece[]; lines: MapLine[] } | null> {
  const known = knownPieces(at, f.sha256, listed);
  if (known) return { pieces: listed, lines: known };
  return packPieces({ ...at, ...f, signal: o.signal, onContent: o.onContent });
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
    o.parent && fs.existsSync(o.parent.manifestFile) ? chainRoom(o.db, o.copy, o.parent.stamp) : null;
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
function chainRoom(db: Db, c: CopyId, stamp: string): { manifest: boolean; map: boolean } | null {
  const rows = new Map(listDriveManifests(db, c).map((r) => [r.stamp, r]));
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
