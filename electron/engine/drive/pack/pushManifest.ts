import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsPath, hasRawBytes } from '../../format/fsName';
import { LineSink } from '../../format/lineSink';
import type { ManifestReader } from '../../format/manifest';
import type { Db } from '../../catalog/db';
import type { DriveRemote } from '../types';
import { encryptStream, type DriveKey } from './crypto';
import type { PlanFolders } from './folders';
import { manifestName, mapLine, type MapLine, type Piece, mapName, PIECE_THRESHOLD, props } from './layout';
import type { Packer } from './packer';
import { knownPieces, packNameOf, packPieces } from './pieces';
import { insertDriveManifest, insertPieces, packOf, piecesOf } from './store';
import { hashFile } from './writer';

export interface PushManifestOptions {
  db: Db;
  remote: DriveRemote;
  planId: number;
  stamp: string;
  startedAt: number;
  backupDir: string;
  manifestFile: string;
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
  const at = { packer: o.packer, inPack: packOf(o.db, o.planId) };
  /** Piece lists read in this push, recorded once their packs are all on Drive. */
  const read = new Map<string, Piece[]>();
  const recorded = piecesOf(o.db, o.planId);
  const mapTmp = path.join(o.stagingDir, `${o.stamp}.packs.tsv.gz.tmp`);
  fs.mkdirSync(o.stagingDir, { recursive: true });
  fs.rmSync(mapTmp, { force: true });
  const map = new LineSink(mapTmp, true);
  const linkDir = path.join(o.stagingDir, `${o.stamp}.named`);
  const pieceDir = path.join(o.stagingDir, `${o.stamp}.pieces`);
  let whole = true;
  let files = 0;
  let bytes = 0;
  try {
    for (let e = await o.reader.peek(); e; e = await o.reader.peek()) {
      o.reader.advance();
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
    for (const [sha, pieces] of read) insertPieces(o.db, o.planId, sha, pieces);
    await map.finish();
  } catch (err) {
    await o.packer.drain().catch(() => undefined);
    map.abort();
    fs.rmSync(mapTmp, { force: true });
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
  try {
    const enc = o.key !== null;
    const m = await uploadSmall(o, o.manifestFile, manifestName(o.stamp, enc), props.manifest(o.stamp));
    const p = await uploadSmall(o, mapTmp, mapName(o.stamp, enc), props.map(o.stamp));
    insertDriveManifest(o.db, {
      planId: o.planId,
      stamp: o.stamp,
      fileId: m.id,
      name: manifestName(o.stamp, enc),
      md5: m.md5,
      mapFileId: p.id,
      mapName: mapName(o.stamp, enc),
      mapMd5: p.md5,
      files,
      bytes,
      startedAt: o.startedAt,
      uploadedAt: o.now(),
    });
  } finally {
    fs.rmSync(mapTmp, { force: true });
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

/**
 * Uploads a manifest or map (encrypted first when there is a key). A copy a killed push left behind is
 * deleted first, so the folder keeps one file per name.
 */
async function uploadSmall(
  o: PushManifestOptions,
  file: string,
  name: string,
  appProperties: Record<string, string>,
): Promise<{ id: string; md5: string }> {
  for (const f of await o.remote.listAll({ parentId: o.folders.manifests.id, name }))
    await o.remote.delete(f.id);
  let src = file;
  const tmp = path.join(o.stagingDir, `${name}.tmp`);
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
