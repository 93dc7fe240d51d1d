import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { listBackups } from '../../catalog/backups';
import type { Db } from '../../catalog/db';
import type { Plan } from '../../catalog/plans';
import type { DriveFile, DriveRemote } from '../types';
import { encryptStream, sealIdentity, type DriveKey } from './crypto';
import { IDENTITY_FILE, planFileName, planPath, README_FILE } from './layout';
import { readmeText, README_VERSION } from './readme';
import { recordCopyClient } from './client';
import { drivePlan, updateDrivePlan, type CopyId } from './store';

/** The Drive folders of one plan. */
export interface PlanFolders {
  root: DriveFile;
  packs: DriveFile;
  manifests: DriveFile;
}

/** Finds or creates Cairn/<machine>/<plan>/{packs,manifests} and remembers the plan folder's link. */
export async function planFolders(
  db: Db,
  remote: DriveRemote,
  c: CopyId,
  plan: Plan,
  machine: string,
): Promise<PlanFolders> {
  const base = planPath(machine, plan.name);
  const root = await remote.ensureFolder(base);
  const [packs, manifests] = await Promise.all([
    remote.ensureFolder([...base, 'packs']),
    remote.ensureFolder([...base, 'manifests']),
  ]);
  drivePlan(db, c, machine);
  updateDrivePlan(db, c, { folderId: root.id, folderUrl: root.webViewLink });
  return { root, packs, manifests };
}

/**
 * Replaces a small file in a folder: the new copy is uploaded first, then older copies are deleted. On a
 * path store (S3, rclone) the upload replaces the file of that name in place and keeps its id, so the id
 * just uploaded is never among those deleted.
 */
async function replaceFile(
  remote: DriveRemote,
  parentId: string,
  name: string,
  data: Buffer,
  tmpDir: string,
  appProperties: Record<string, string>,
  mimeType?: string,
): Promise<void> {
  const old = await remote.listAll({ parentId, name });
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${name}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, data);
  let id: string;
  try {
    id = (await remote.upload({ parentId, name, source: { path: tmp }, appProperties, mimeType })).file.id;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  for (const f of old) if (f.id !== id) await remote.delete(f.id);
}

async function toBuffer(s: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

/** The plan's settings as stored beside its backups (what `cairn drive import` recreates the plan from). */
export function planSettings(plan: Plan, oauthClientId?: string | null): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...settings } = plan;
  return { version: 1, ...settings, ...(oauthClientId ? { oauthClientId } : {}) };
}

/**
 * Brings the small files of the plan folder up to date: README.txt (when its text changed), the key file
 * keys/identity.age (when encrypted and not there yet) and plan.json[.age] (when the settings or the OAuth client changed;
 * compared by a hash in appProperties, as an encrypted copy differs byte for byte each time).
 */
export async function syncPlanFiles(
  db: Db,
  remote: DriveRemote,
  c: CopyId,
  plan: Plan,
  machine: string,
  folders: PlanFolders,
  key: DriveKey | null,
  tmpDir: string,
): Promise<void> {
  const state = drivePlan(db, c, machine);
  if (state.readmeVersion < README_VERSION) {
    const text = Buffer.from(readmeText(machine, plan.name));
    // As text, so Drive's preview shows it.
    const props = { cairnReadme: String(README_VERSION) };
    await replaceFile(remote, folders.root.id, README_FILE, text, tmpDir, props, 'text/plain');
    updateDrivePlan(db, c, { readmeVersion: README_VERSION });
  }
  if (key) {
    const keys = await remote.ensureFolder([...planPath(machine, plan.name), 'keys']);
    const there = await remote.listAll({ parentId: keys.id, name: IDENTITY_FILE });
    if (there.length === 0) {
      const sealed = Buffer.from(await sealIdentity(key));
      await replaceFile(remote, keys.id, IDENTITY_FILE, sealed, tmpDir, { cairnKey: '1' });
    }
  }
  const json = Buffer.from(JSON.stringify(planSettings(plan, remote.clientId), null, 2) + '\n');
  recordCopyClient(db, remote.clientId);
  const hash = crypto
    .createHash('sha256')
    .update(json)
    .update(key ? 'age' : '')
    .digest('hex')
    .slice(0, 32);
  const name = planFileName(key !== null);
  const current = await remote.listAll({
    parentId: folders.root.id,
    name,
    appProperties: { cairnPlan: hash },
  });
  if (current.length === 0) {
    const body = key ? await toBuffer(await encryptStream(Readable.from([json]), key)) : json;
    await replaceFile(remote, folders.root.id, name, body, tmpDir, { cairnPlan: hash });
    // A plan.json of the other kind (a password set or removed since) would mislead an import.
    for (const f of await remote.listAll({ parentId: folders.root.id, name: planFileName(key === null) }))
      await remote.delete(f.id);
  }
}

/** backups.json[.age]: pins, notes and statuses of the plan's backups, for `cairn drive import`. */
export function indexFileName(encrypted: boolean): string {
  return `backups.json${encrypted ? '.age' : ''}`;
}

/**
 * Keeps backups.json on Drive in step with the catalog (pins matter: retention never prunes a pinned
 * backup, also after an import). Uploaded only when it changed, compared by a hash in appProperties.
 */
export async function syncBackupIndex(
  db: Db,
  remote: DriveRemote,
  plan: Plan,
  folders: PlanFolders,
  key: DriveKey | null,
  tmpDir: string,
): Promise<void> {
  const backups = listBackups(db, { planId: plan.id })
    .reverse()
    .map((b) => ({
      stamp: b.stamp,
      status: b.status,
      pinned: b.pinned,
      note: b.note,
      manual: b.manual,
      warnings: b.warnings,
      skipped: b.skipped,
    }));
  const json = Buffer.from(JSON.stringify({ version: 1, backups }, null, 1) + '\n');
  const hash = crypto
    .createHash('sha256')
    .update(json)
    .update(key ? 'age' : '')
    .digest('hex')
    .slice(0, 32);
  const name = indexFileName(key !== null);
  if ((await remote.listAll({ parentId: folders.root.id, name, appProperties: { cairnIndex: hash } })).length)
    return;
  const body = key ? await toBuffer(await encryptStream(Readable.from([json]), key)) : json;
  await replaceFile(remote, folders.root.id, name, body, tmpDir, { cairnIndex: hash });
  for (const f of await remote.listAll({ parentId: folders.root.id, name: indexFileName(key === null) }))
    await remote.delete(f.id);
}

/**
 * After a password change: writes keys/identity.age again, sealed with the new password, in every plan
 * folder this catalog pushed to on the remote `remoteId` (the new copy first, then the old one goes). The packs stay as they are:
 * they are encrypted to the key, not to the password.
 */
export async function resealIdentity(
  db: Db,
  remote: DriveRemote,
  remoteId: number,
  key: DriveKey,
  tmpDir: string,
): Promise<number> {
  const rows = db
    .prepare(
      'SELECT p.name, d.machine FROM drive_plans d JOIN plans p ON p.id = d.plan_id WHERE d.remote_id = ?',
    )
    .all(remoteId) as {
    name: string;
    machine: string;
  }[];
  for (const r of rows) {
    const keys = await remote.ensureFolder([...planPath(r.machine, r.name), 'keys']);
    await replaceFile(remote, keys.id, IDENTITY_FILE, Buffer.from(await sealIdentity(key)), tmpDir, {
      cairnKey: '1',
    });
  }
  return rows.length;
}
