import fs from 'node:fs';
import path from 'node:path';
import { logActivity } from '../../catalog/activity';
import type { Db } from '../../catalog/db';
import type { Plan } from '../../catalog/plans';
import { describeError } from '../../errors';
import type { SecretStore } from '../../secrets/store';
import type { DriveFile, DriveRemote } from '../types';
import { loadDriveKey } from './crypto';
import { hashMembers } from './fetch';
import { planFolders } from './folders';
import { machineFor } from './push';
import {
  copyOf,
  listDriveManifests,
  listPacks,
  packContents,
  piecesOffDrive,
  remoteTitle,
  type PackRow,
} from './store';

export interface DriveProblem {
  problem: 'missing' | 'changed' | 'damaged' | 'extra';
  name: string;
  detail: string;
}

export interface DriveVerifyResult {
  planName: string;
  packs: number;
  manifests: number;
  /** Packs downloaded and unpacked, each member checked against its SHA-256. */
  sampled: number;
  sampledBytes: number;
  duplicatesRemoved: number;
  problems: DriveProblem[];
}

/**
 * Checks the Drive copy of a plan: every pack, manifest and pack map the catalog records is on Drive with
 * the recorded MD5, every delta's parent is recorded too (so each chain is whole), and every piece of a
 * pieced content is in one of those packs; a sample of packs (`samplePercent`, at least one) is downloaded
 * and every member read back against its SHA-256. Duplicate files (a create Drive made twice) are removed, keeping the recorded
 * one. Files Cairn does not know in packs/ are reported, never deleted.
 */
export async function verifyDrive(o: {
  db: Db;
  plan: Plan;
  remote: DriveRemote;
  /** Which remote of the catalog `remote` is (Drive: DRIVE_REMOTE_ID). */
  remoteId: number;
  secrets: SecretStore;
  machine: string;
  workDir: string;
  samplePercent?: number;
  now: () => number;
  actor: string;
}): Promise<DriveVerifyResult> {
  const c = copyOf(o);
  const where = remoteTitle(o.db, o.remoteId);
  const folders = await planFolders(o.db, o.remote, c, o.plan, machineFor(o.db, c, o.machine));
  const key = await loadDriveKey(o.secrets);
  const packs = listPacks(o.db, c, 'uploaded');
  const manifests = listDriveManifests(o.db, c);
  const r: DriveVerifyResult = {
    planName: o.plan.name,
    packs: packs.length,
    manifests: manifests.length,
    sampled: 0,
    sampledBytes: 0,
    duplicatesRemoved: 0,
    problems: [],
  };
  const byName = (files: DriveFile[]) => {
    const m = new Map<string, DriveFile[]>();
    for (const f of files) m.set(f.name, [...(m.get(f.name) ?? []), f]);
    return m;
  };
  const packFiles = byName(await o.remote.listAll({ parentId: folders.packs.id }));
  const manFiles = byName(await o.remote.listAll({ parentId: folders.manifests.id }));
  const check = async (files: Map<string, DriveFile[]>, name: string, id: string, md5: string) => {
    const same = files.get(name) ?? [];
    const mine = same.find((f) => f.id === id);
    if (!mine) return void r.problems.push({ problem: 'missing', name, detail: `not on ${where}` });
    if (mine.md5Checksum !== md5)
      r.problems.push({ problem: 'changed', name, detail: `MD5 ${mine.md5Checksum} instead of ${md5}` });
    for (const dup of same.filter((f) => f.id !== id)) {
      await o.remote.delete(dup.id);
      r.duplicatesRemoved++;
    }
  };
  for (const p of packs) await check(packFiles, p.name, p.fileId!, p.md5);
  const stamps = new Set(manifests.map((m) => m.stamp));
  for (const m of manifests) {
    await check(manFiles, m.name, m.fileId, m.md5);
    await check(manFiles, m.mapName, m.mapFileId, m.mapMd5);
    // A delta needs its parent's files, and they theirs (format16 section 3): each link of the chain is here.
    for (const [name, parent] of [
      [m.name, m.manifestParent],
      [m.mapName, m.mapParent],
    ] as const)
      if (parent && !stamps.has(parent))
        r.problems.push({
          problem: 'missing',
          name,
          detail: `its parent backup ${parent} is not on ${where}`,
        });
  }
  for (const x of piecesOffDrive(o.db, c))
    r.problems.push({
      problem: 'missing',
      name: x.piece,
      detail: `piece ${x.index} of content ${x.sha256} is in no pack on ${where}`,
    });
  const known = new Set(packs.map((p) => p.name));
  for (const s of listPacks(o.db, c, 'staged')) known.add(s.name);
  for (const name of packFiles.keys())
    if (!known.has(name))
      r.problems.push({ problem: 'extra', name, detail: 'a pack the catalog does not know' });

  const pct = Math.min(100, Math.max(0, o.samplePercent ?? 5));
  const sample = [...packs]
    .sort(() => Math.random() - 0.5)
    .slice(0, Math.max(1, Math.ceil((packs.length * pct) / 100)));
  for (const p of packs.length ? sample : []) await samplePack(o, p, key, r);
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    kind: 'verify',
    level: r.problems.length ? 'error' : 'info',
    actor: o.actor,
    message:
      `Verified the ${where} copy of ${o.plan.name}: ${r.packs} pack(s), ${r.manifests} backup(s), ${r.sampled} pack(s) read back` +
      (r.problems.length ? `; ${r.problems.length} problem(s)` : ', intact') +
      (r.duplicatesRemoved ? `; ${r.duplicatesRemoved} duplicate file(s) removed` : ''),
    details: { remoteId: o.remoteId, problems: r.problems.slice(0, 20) },
  });
  return r;
}

async function samplePack(
  o: { db: Db; remote: DriveRemote; workDir: string },
  p: PackRow,
  key: Awaited<ReturnType<typeof loadDriveKey>>,
  r: DriveVerifyResult,
): Promise<void> {
  const file = path.join(o.workDir, `verify-${p.id}.pack`);
  fs.mkdirSync(o.workDir, { recursive: true });
  try {
    await o.remote.downloadTo(p.fileId!, file, { md5: p.md5 });
    const hashes = await hashMembers(file, p.encrypted, key);
    r.sampled++;
    r.sampledBytes += p.size;
    for (const c of packContents(o.db, p.id)) {
      const got = hashes.get(c.sha256);
      if (got === undefined)
        r.problems.push({ problem: 'damaged', name: p.name, detail: `member ${c.sha256} is missing` });
      else if (got !== c.sha256)
        r.problems.push({
          problem: 'damaged',
          name: p.name,
          detail: `member ${c.sha256} does not match its name`,
        });
    }
  } catch (e) {
    r.problems.push({ problem: 'damaged', name: p.name, detail: describeError(e) });
  } finally {
    fs.rmSync(file, { force: true });
  }
}
