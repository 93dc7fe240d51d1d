import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { logActivity } from '../../catalog/activity';
import type { Db } from '../../catalog/db';
import type { Plan, Retention } from '../../catalog/plans';
import { CairnError } from '../../errors';
import type { SecretStore } from '../../secrets/store';
import type { DriveRemote } from '../types';
import { loadDriveKey } from './crypto';
import { asJob, type Admit } from '../../backup/lock';
import { catalogSource, fullManifest, fullMap, replaceWithFull } from './chain';
import { planFolders } from './folders';
import { machineFor } from './push';
import { repack, rewriteMap } from './repack';
import { parseMapLine } from './layout';
import { previewDrivePrune } from './policy';
import {
  copyOf,
  deleteDriveManifest,
  deletePack,
  forgetDeadPieces,
  listDriveManifests,
  listPacks,
  remoteTitle,
} from './store';

export { drivePolicy, editDrivePolicy, previewDrivePrune, type DriveCounts } from './policy';

/** Sets the plan's own Drive count rules (null: the same as local). */
export function setDrivePolicy(
  db: Db,
  remoteId: number,
  plan: Plan,
  machine: string,
  r: Omit<Retention, 'keepWithinHours' | 'keepNotedDays'> | null,
): void {
  machineFor(db, { remoteId, planId: plan.id }, machine);
  const v = (k: keyof NonNullable<typeof r>) => (r ? r[k] : null);
  db.prepare(
    `UPDATE drive_plans SET keep_last = ?, keep_daily = ?, keep_weekly = ?, keep_monthly = ?, keep_yearly = ?
     WHERE remote_id = ? AND plan_id = ?`,
  ).run(v('keepLast'), v('keepDaily'), v('keepWeekly'), v('keepMonthly'), v('keepYearly'), remoteId, plan.id);
}

export interface DrivePruneResult {
  planName: string;
  dryRun: boolean;
  items: { stamp: string; startedAt: number; keep: boolean; reasons: string[] }[];
  pruned: string[];
  packsDeleted: number;
  packsRewritten: number;
  /** Pack bytes removed from Drive (deleted and rewritten packs, less the new ones). */
  freedBytes: number;
}

/**
 * Applies the Drive retention: deletes the manifests and pack maps of backups the policy no longer keeps,
 * deletes packs no kept backup needs, and rewrites packs that are mostly dead (less than `keepRatio` of
 * their content still needed) into new ones. Pack maps that name a rewritten pack are written again, and
 * an old pack is deleted only once nothing names it, so a prune stopped at any point loses nothing.
 */
export async function pruneDrive(o: {
  db: Db;
  plan: Plan;
  remote: DriveRemote;
  /** Which remote of the catalog `remote` is (Drive: DRIVE_REMOTE_ID). */
  remoteId: number;
  secrets: SecretStore;
  machine: string;
  workDir: string;
  now: () => number;
  actor: string;
  dryRun?: boolean;
  keepRatio?: number;
  timeZone?: string;
  /** The job coordinator's admission (app/jobs.ts): the prune runs as a "drive-prune" job. */
  admit?: Admit;
  /** The stamps a preview showed as pruned: refused (conflict) when the policy now prunes others. */
  expect?: string[];
}): Promise<DrivePruneResult> {
  const { db, plan } = o;
  const items = previewDrivePrune(db, o.remoteId, plan, o.now(), o.timeZone);
  const result: DrivePruneResult = {
    planName: plan.name,
    dryRun: o.dryRun === true,
    items,
    pruned: items.filter((i) => !i.keep).map((i) => i.stamp),
    packsDeleted: 0,
    packsRewritten: 0,
    freedBytes: 0,
  };
  if (o.expect && [...o.expect].sort().join(',') !== [...result.pruned].sort().join(','))
    throw new CairnError(
      'conflict',
      `The backups of plan ${plan.name} on ${remoteTitle(db, o.remoteId)} changed since the preview; preview the prune again.`,
    );
  if (o.dryRun) return result;
  return asJob(o.admit, 'drive-prune', plan, () => applyDrivePrune(o, result));
}

async function applyDrivePrune(
  o: Parameters<typeof pruneDrive>[0],
  result: DrivePruneResult,
): Promise<DrivePruneResult> {
  const { db, plan } = o;
  const c = copyOf(o);
  const key = await loadDriveKey(o.secrets);
  const folders = await planFolders(db, o.remote, c, plan, machineFor(db, c, o.machine));
  const doomed = new Set(result.pruned);
  fs.mkdirSync(o.workDir, { recursive: true });
  const cache = path.join(o.workDir, 'chain-cache');
  const src = catalogSource({ db, copy: c, remote: o.remote, key });
  const up = { db, copy: c, remote: o.remote, folders, key, workDir: o.workDir };
  // A kept backup stored as changes to one about to go is written FULL first (format16 section 3).
  for (const m of listDriveManifests(db, c).reverse()) {
    if (doomed.has(m.stamp)) continue;
    if (m.manifestParent && doomed.has(m.manifestParent))
      await replaceWithFull(up, m.stamp, 'manifest', await fullManifest(src, m.stamp, cache));
    if (m.mapParent && doomed.has(m.mapParent))
      await replaceWithFull(up, m.stamp, 'map', await fullMap(src, m.stamp, cache));
  }
  for (const m of listDriveManifests(db, c).filter((x) => doomed.has(x.stamp))) {
    await o.remote.delete(m.fileId);
    await o.remote.delete(m.mapFileId);
    deleteDriveManifest(db, c, m.stamp, o.now());
  }
  // What the kept backups need, from their pack maps; maps naming a pack the catalog no longer has are stale.
  db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS drive_live (sha256 TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM drive_live;',
  );
  const live = db.prepare('INSERT OR IGNORE INTO drive_live (sha256) VALUES (?)');
  const kept = listDriveManifests(db, c);
  const mapsByPack = new Map<string, Set<string>>();
  for (const m of kept) {
    const file = await fullMap(src, m.stamp, cache);
    const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
    fs.rmSync(file, { force: true });
    db.transaction(() => {
      for (const text of lines) {
        const l = parseMapLine(text);
        if (!l) continue;
        // A piece is live when a kept backup's content uses it.
        live.run(l.sha256);
        if (l.piece) live.run(l.piece.sha256);
        let s = mapsByPack.get(l.pack);
        if (!s) mapsByPack.set(l.pack, (s = new Set()));
        s.add(m.stamp);
      }
    })();
  }
  forgetDeadPieces(db, c);
  const liveBytes = db.prepare(
    `SELECT COALESCE(SUM(c.size), 0) AS bytes, COUNT(l.sha256) AS n FROM drive_pack_contents c
     LEFT JOIN drive_live l ON l.sha256 = c.sha256 WHERE c.pack_id = ? AND l.sha256 IS NOT NULL`,
  );
  const stale = new Set<string>();
  const known = new Set(listPacks(db, c).map((p) => p.name));
  for (const [pack, stamps] of mapsByPack) if (!known.has(pack)) for (const s of stamps) stale.add(s);
  const mostlyDead = [];
  for (const p of listPacks(db, c, 'uploaded')) {
    const l = liveBytes.get(p.id) as { bytes: number; n: number };
    if (l.n === 0) {
      await o.remote.delete(p.fileId!);
      deletePack(db, p.id);
      result.packsDeleted++;
      result.freedBytes += p.size;
    } else if (l.bytes < p.contentBytes * (o.keepRatio ?? 0.5)) mostlyDead.push(p);
  }
  const ctx = { db, copy: c, remote: o.remote, key, folders, workDir: o.workDir, now: o.now };
  if (mostlyDead.length) {
    const r = await repack({ ...ctx, packs: mostlyDead });
    result.packsRewritten = mostlyDead.length;
    result.freedBytes += r.freedBytes;
    for (const p of mostlyDead) for (const s of mapsByPack.get(p.name) ?? []) stale.add(s);
  }
  // Maps point at the new packs before the old ones go.
  for (const s of stale) await rewriteMap({ ...ctx, stamp: s, cacheDir: cache });
  for (const p of mostlyDead) await o.remote.delete(p.fileId!);
  db.exec('DELETE FROM drive_live');
  fs.rmSync(cache, { recursive: true, force: true });
  logActivity(db, {
    at: o.now(),
    planId: plan.id,
    kind: 'prune',
    actor: o.actor,
    message:
      `Pruned ${remoteTitle(db, o.remoteId)} copy of ${plan.name}: ${result.pruned.length} backup(s), ${result.packsDeleted} pack(s) deleted, ` +
      `${result.packsRewritten} rewritten, ${result.freedBytes} bytes freed`,
    details: { remoteId: o.remoteId, pruned: result.pruned },
  });
  return result;
}
