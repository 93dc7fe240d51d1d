import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { Db } from '../../catalog/db';
import type { Plan } from '../../catalog/plans';
import type { DriveRemote } from '../types';
import { encryptStream, type DriveKey } from './crypto';
import { extractPack, fetchPlain } from './fetch';
import type { PlanFolders } from './folders';
import { mapLine, packName, parseMapLine, props } from './layout';
import { newPackId, PACK_TARGET_BYTES } from './packer';
import { listDriveManifests, packOf, type PackRow } from './store';
import { writePack, type PackItem } from './writer';

interface RepackContext {
  db: Db;
  plan: Plan;
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
  const made: { name: string; fileId: string; size: number; md5: string; items: PackItem[] }[] = [];
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
    made.push({ name, fileId: f.id, size: w.size, md5: w.md5, items: g });
    freed -= w.size;
  }
  o.db.transaction(() => {
    for (const m of made) {
      const info = o.db
        .prepare(
          `INSERT INTO drive_packs (plan_id, name, status, file_id, size, md5, content_bytes, members, encrypted,
             created_at, uploaded_at) VALUES (?, ?, 'uploaded', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          o.plan.id,
          m.name,
          m.fileId,
          m.size,
          m.md5,
          m.items.reduce((n, i) => n + i.size, 0),
          m.items.length,
          o.key ? 1 : 0,
          o.now(),
          o.now(),
        );
      const move = o.db.prepare(
        'INSERT OR REPLACE INTO drive_pack_contents (plan_id, sha256, pack_id, size) VALUES (?, ?, ?, ?)',
      );
      for (const i of m.items) move.run(o.plan.id, i.sha256, Number(info.lastInsertRowid), i.size);
    }
    const del = o.db.prepare('DELETE FROM drive_packs WHERE id = ?');
    for (const p of o.packs) del.run(p.id);
  })();
  fs.rmSync(content, { recursive: true, force: true });
  return { freedBytes: freed };
}

/** Writes a backup's pack map again from the catalog (after packs were rewritten), then drops the old one. */
export async function rewriteMap(o: RepackContext & { stamp: string }): Promise<void> {
  const m = listDriveManifests(o.db, o.plan.id).find((x) => x.stamp === o.stamp);
  if (!m) return;
  const old = path.join(o.workDir, `${o.stamp}.old.gz`);
  await fetchPlain(o.remote, { fileId: m.mapFileId, name: m.mapName, md5: m.mapMd5 }, old, o.key);
  const find = packOf(o.db, o.plan.id);
  const lines = zlib
    .gunzipSync(fs.readFileSync(old))
    .toString('utf8')
    .split('\n')
    .map(parseMapLine)
    .filter((l) => l !== null)
    .map((l) => mapLine({ ...l, pack: find(l.piece?.sha256 ?? l.sha256)?.name ?? l.pack }));
  fs.rmSync(old, { force: true });
  const file = path.join(o.workDir, m.mapName);
  const gz = zlib.gzipSync(lines.join('\n') + '\n');
  if (o.key) await pipeline(await encryptStream(Readable.from([gz]), o.key), fs.createWriteStream(file));
  else fs.writeFileSync(file, gz);
  const { file: f } = await o.remote.upload({
    parentId: o.folders.manifests.id,
    name: m.mapName,
    source: { path: file },
    appProperties: props.map(o.stamp),
  });
  fs.rmSync(file, { force: true });
  o.db
    .prepare('UPDATE drive_manifests SET map_file_id = ?, map_md5 = ? WHERE plan_id = ? AND stamp = ?')
    .run(f.id, f.md5Checksum ?? '', o.plan.id, o.stamp);
  await o.remote.delete(m.mapFileId);
}
