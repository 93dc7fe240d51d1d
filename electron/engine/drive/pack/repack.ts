import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../catalog/db';
import type { DriveRemote } from '../types';
import { LineSink } from '../../format/lineSink';
import { catalogSource, fullMap, replaceWithFull } from './chain';
import type { DriveKey } from './crypto';
import { GzLines } from './delta';
import { extractPack } from './fetch';
import type { PlanFolders } from './folders';
import { packName, props } from './layout';
import { newPackId, PACK_TARGET_BYTES } from './packer';
import { listDriveManifests, packOf, replacePacks, type CopyId, type PackRow } from './store';
import { writePack, type PackItem } from './writer';

interface RepackContext {
  db: Db;
  copy: CopyId;
  remote: DriveRemote;
  key: DriveKey | null;
  folders: PlanFolders;
  workDir: string;
  now: () => number;
}

/**
 * Rewrites mostly-dead packs: downloads them, keeps the members the temp table drive_live lists, packs
 * those into new packs, uploads them, then moves the contents to the new packs in the catalog and forgets
 * the old packs (the caller rewrites the pack maps, then deletes the old files from Drive).
 */
export async function repack(o: RepackContext & { packs: PackRow[] }): Promise<{ freedBytes: number }> {
  const content = path.join(o.workDir, 'repack');
  fs.mkdirSync(content, { recursive: true });
  const liveOf = o.db.prepare(
    `SELECT c.sha256, c.size FROM drive_pack_contents c JOIN drive_live l ON l.sha256 = c.sha256 WHERE c.pack_id = ?`,
  );
  const items: PackItem[] = [];
  for (const p of o.packs) {
    const file = path.join(o.workDir, p.name);
    await o.remote.downloadTo(p.fileId!, file, { md5: p.md5 });
    await extractPack(file, p.encrypted, o.key, content);
    fs.rmSync(file, { force: true });
    for (const r of liveOf.all(p.id) as { sha256: string; size: number }[])
      items.push({ sha256: r.sha256, size: r.size, abs: path.join(content, r.sha256) });
  }
  let freed = o.packs.reduce((n, p) => n + p.size, 0);
  const groups: PackItem[][] = [[]];
  let bytes = 0;
  for (const i of items) {
    if (bytes + i.size > PACK_TARGET_BYTES && groups.at(-1)!.length) {
      groups.push([]);
      bytes = 0;
    }
    groups.at(-1)!.push(i);
    bytes += i.size;
  }
  const made: Parameters<typeof replacePacks>[1] = [];
  for (const g of groups.filter((x) => x.length)) {
    const id = newPackId();
    const name = packName(id, o.key !== null);
    const file = path.join(o.workDir, name);
    const w = await writePack(g, file, o.key);
    const { file: f } = await o.remote.upload({
      parentId: o.folders.packs.id,
      name,
      source: { path: file },
      appProperties: props.pack(id),
    });
    fs.rmSync(file, { force: true });
    const pack = {
      ...o.copy,
      name,
      fileId: f.id,
      size: w.size,
      md5: w.md5,
      contentBytes: g.reduce((n, i) => n + i.size, 0),
      members: g.length,
      encrypted: o.key !== null,
    };
    made.push({ pack, contents: g.map((i) => ({ sha256: i.sha256, size: i.size })) });
    freed -= w.size;
  }
  replacePacks(o.db, made, o.packs, o.now());
  fs.rmSync(content, { recursive: true, force: true });
  return { freedBytes: freed };
}

/**
 * Writes a backup's pack map again, FULL, from its chain with each content pointed at the pack the catalog
 * now holds it in (after packs were rewritten); then drops the old map file. `cacheDir` keeps rebuilt
 * manifests and downloaded map files between calls (see chain.ts).
 */
export async function rewriteMap(o: RepackContext & { stamp: string; cacheDir?: string }): Promise<void> {
  const m = listDriveManifests(o.db, o.copy).find((x) => x.stamp === o.stamp);
  if (!m) return;
  const cache = o.cacheDir ?? path.join(o.workDir, 'chain-cache');
  const src = catalogSource({ db: o.db, copy: o.copy, remote: o.remote, key: o.key });
  const old = await fullMap(src, o.stamp, cache);
  const find = packOf(o.db, o.copy);
  const file = path.join(o.workDir, `${o.stamp}.packs.full.gz`);
  fs.rmSync(file, { force: true });
  const out = new LineSink(file, true);
  const r = new GzLines(old);
  try {
    for (let l = await r.next(); l !== null; l = await r.next()) {
      const f = l.split('\t');
      // The pack is the second field in both line forms (format16 section 1): the one holding the content,
      // or for a piece line the piece (fourth field).
      f[1] = find(f[3] ?? f[0]!)?.name ?? f[1]!;
      await out.add(f.join('\t'));
    }
    await out.finish();
  } finally {
    r.close();
  }
  fs.rmSync(old, { force: true });
  try {
    await replaceWithFull(o, o.stamp, 'map', file);
  } finally {
    fs.rmSync(file, { force: true });
    if (!o.cacheDir) fs.rmSync(cache, { recursive: true, force: true });
  }
}
