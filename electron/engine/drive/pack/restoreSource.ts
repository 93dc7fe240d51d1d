import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../catalog/db';
import type { Plan } from '../../catalog/plans';
import { CairnError } from '../../errors';
import { localContent, type ContentSource } from '../../restore/content';
import type { SecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import { DRIVE_REMOTE_ID } from '../../remotes/registry';
import { loadDriveKey } from './crypto';
import { catalogSource, fullManifest } from './chain';
import { extractPack } from './fetch';
import { copyOf, listDriveManifests, packOf, piecesOf, remoteTitle, type PackRow } from './store';

/** What `restoreBackup` needs to restore a backup from Drive (its `manifestFile` and `source` options). */
export interface DriveRestore {
  manifestFile: string;
  source: ContentSource;
  /** Packs downloaded so far, and their bytes. */
  readonly stats: { packs: number; bytes: number };
}

/**
 * Prepares a restore of a backup from Drive: downloads its manifest, and gives a ContentSource that
 * downloads a pack the first time one of its contents is asked for (so only the packs the chosen paths
 * need come down), unpacks it into `workDir` and serves contents by SHA-256 from there. A content stored
 * in pieces is served piece by piece in order, each checked against its own SHA-256; the restore checks
 * every file against the manifest. `close` removes `workDir`.
 */
export async function openDriveRestore(o: {
  db: Db;
  plan: Plan;
  stamp: string;
  remote: DriveRemote;
  /** Which remote of the catalog `remote` is (Drive: DRIVE_REMOTE_ID). */
  remoteId: number;
  secrets: SecretStore;
  workDir: string;
  signal?: AbortSignal;
}): Promise<DriveRestore> {
  const c = copyOf(o);
  const where = remoteTitle(o.db, o.remoteId);
  const m = listDriveManifests(o.db, c).find((x) => x.stamp === o.stamp);
  if (!m) {
    throw new CairnError(
      'not-found',
      `Backup ${o.plan.name}/${o.stamp} is not on ${where}; see: cairn ${o.remoteId === DRIVE_REMOTE_ID ? 'drive' : 'remote'} list.`,
    );
  }
  const key = await loadDriveKey(o.secrets);
  fs.mkdirSync(o.workDir, { recursive: true, mode: 0o700 });
  // A manifest stored as changes to an earlier backup is rebuilt from its chain (format16 section 3).
  const src = catalogSource({ db: o.db, copy: c, remote: o.remote, key, signal: o.signal });
  const manifestFile = await fullManifest(src, m.stamp, path.join(o.workDir, 'manifests')).catch((e) => {
    fs.rmSync(o.workDir, { recursive: true, force: true });
    throw e;
  });
  const contentDir = path.join(o.workDir, 'content');
  fs.mkdirSync(contentDir, { recursive: true });
  const local = localContent(contentDir);
  const findPack = packOf(o.db, c);
  const findPieces = piecesOf(o.db, c);
  const loading = new Map<number, Promise<void>>();
  const stats = { packs: 0, bytes: 0 };
  const load = (pack: PackRow): Promise<void> => {
    let p = loading.get(pack.id);
    if (!p) {
      p = (async () => {
        if (!pack.fileId)
          throw new CairnError('not-found', `Pack ${pack.name} never reached ${where}; push again.`);
        const file = path.join(o.workDir, pack.name);
        await o.remote.downloadTo(pack.fileId, file, { md5: pack.md5, signal: o.signal });
        stats.packs++;
        stats.bytes += pack.size;
        try {
          await extractPack(file, pack.encrypted, key, contentDir);
        } finally {
          fs.rmSync(file, { force: true });
        }
      })();
      loading.set(pack.id, p);
    }
    return p;
  };
  const source: ContentSource = {
    describe: `${o.remote.label ?? 'Google Drive'} (${o.plan.name}/${o.stamp})`,
    read(entry, sink, signal) {
      const sha = entry.sha256;
      if (!sha) throw new CairnError('corrupt', `"${entry.path}" has no SHA-256 in the manifest.`);
      const at = { ...entry, path: sha };
      if (fs.existsSync(path.join(contentDir, sha))) return local.read(at, sink, signal);
      const pack = findPack(sha);
      if (pack) return load(pack).then(() => local.read(at, sink, signal));
      const pieces = findPieces(sha);
      if (pieces.length === 0) {
        throw Object.assign(new Error(`"${entry.path}" is in no pack on ${where}`), { code: 'ENOENT' });
      }
      return (async () => {
        for (const p of pieces) {
          const holder = findPack(p.sha256);
          if (!holder) {
            throw Object.assign(new Error(`piece ${p.index} of "${entry.path}" is in no pack on ${where}`), {
              code: 'ENOENT',
            });
          }
          await load(holder);
          const h = crypto.createHash('sha256');
          const check = (c: Uint8Array) => {
            h.update(c);
            sink(c);
          };
          await local.read({ ...entry, path: p.sha256, size: p.size }, check, signal);
          if (h.digest('hex') !== p.sha256)
            throw new CairnError('corrupt', `Piece ${p.index} of "${entry.path}" from ${where} is damaged.`);
        }
      })();
    },
    close: () => fs.rmSync(o.workDir, { recursive: true, force: true }),
  };
  return { manifestFile, source, stats };
}
