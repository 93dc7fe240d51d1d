import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { planLayout } from '../../format/layout';
import { diffManifests, recordDiffedBackup } from '../../backup/importBackup';
import { logActivity } from '../../catalog/activity';
import { findBackup, listBackups, restoreBackupMeta } from '../../catalog/backups';
import type { BackupIndexEntry } from '../../catalog/backupIndex';
import type { Db } from '../../catalog/db';
import { findPlan, type Plan } from '../../catalog/plans';
import { readLinesSync } from '../../catalog/versions';
import { CairnError } from '../../errors';
import type { SecretStore } from '../../secrets/store';
import { FOLDER_MIME, type DriveFile, type DriveRemote } from '../types';
import { clientMismatch, recordCopyClient } from './client';
import { loadDriveKey, openIdentity, saveDriveKey, type DriveKey } from './crypto';
import { driveFileOf, fullManifest, fullMap, listingSource, mapParentIn } from './chain';
import { fetchPlain, needKey } from './fetch';
import { indexFileName } from './folders';
import {
  IDENTITY_FILE,
  parseManifestName,
  parseMapLine,
  pieceSize,
  planFileName,
  ROOT_FOLDER,
  type Piece,
} from './layout';
import {
  drivePlan,
  insertDriveManifest,
  insertPieces,
  insertUploadedPack,
  listDriveManifests,
  listPacks,
  packedContent,
  remoteTitle,
  updateDrivePlan,
} from './store';
import { manifestSizes, planFromSettings, type PlanJson } from './importPlan';

export interface DriveImportResult {
  machine: string;
  plans: {
    planName: string;
    created: boolean;
    imported: string[];
    /** On Drive, but older than the newest backup the catalog already had: restorable once listed by a fresh import. */
    notListed: string[];
    /** The OAuth client ID that made this plan's Drive copy (plan.json), when it says. */
    madeWithClient: string | null;
    /** Set when this copy of Cairn signs in as another client: rebuilding needs the same one. */
    clientWarning: string | null;
  }[];
}

export interface DriveImportOptions {
  db: Db;
  remote: DriveRemote;
  /** Which remote of the catalog `remote` is (Drive: DRIVE_REMOTE_ID); the copy is recorded under it. */
  remoteId: number;
  secrets: SecretStore;
  /** Which machine's folder to import (needed when Cairn/ holds several). */
  machine?: string;
  /** The Drive password, for an encrypted copy whose key this machine does not have yet. */
  password?: string;
  /** Where manifests are kept locally (the data directory's drive-cache). */
  cacheDir: string;
  now: () => number;
  actor: string;
}

/** The remote as messages name it: "this Drive", or its label ("s3://bucket/prefix", "nas:backups"). */
function where(o: DriveImportOptions): string {
  return o.remote.label && o.remote.kind !== 'drive' ? o.remote.label : 'this Drive';
}

async function folders(remote: DriveRemote, parentId: string): Promise<DriveFile[]> {
  return remote.listAll({ parentId, mimeType: FOLDER_MIME });
}

/**
 * Rebuilds the catalog from Drive alone (a new machine, or a lost data folder): the plans from plan.json,
 * the packs and what each holds from the pack maps, and each backup from its manifest, so `cairn drive
 * list` and `cairn restore` work with no local backup at all. An encrypted copy needs the password once.
 */
export async function importFromDrive(o: DriveImportOptions): Promise<DriveImportResult> {
  const root = (await o.remote.listAll({ parentId: 'root', name: ROOT_FOLDER, mimeType: FOLDER_MIME }))[0];
  const machines = root ? await folders(o.remote, root.id) : [];
  if (machines.length === 0) throw new CairnError('not-found', `There are no Cairn backups on ${where(o)}.`);
  const names = machines.map((m) => m.name);
  const machine = o.machine
    ? machines.find((m) => m.name === o.machine)
    : machines.length === 1
      ? machines[0]
      : undefined;
  if (!machine) {
    throw new CairnError(
      'usage',
      o.machine
        ? `${where(o)} has no backups of machine "${o.machine}"; it has: ${names.join(', ')}.`
        : `${where(o)} holds backups of several machines (${names.join(', ')}); choose one with --machine NAME.`,
    );
  }
  const out: DriveImportResult = { machine: machine.name, plans: [] };
  for (const pf of await folders(o.remote, machine.id)) {
    out.plans.push(await importPlan(o, machine.name, pf));
  }
  return out;
}

async function keyFor(o: DriveImportOptions, planFolder: DriveFile): Promise<DriveKey | null> {
  const keys = (await folders(o.remote, planFolder.id)).find((f) => f.name === 'keys');
  const sealed = keys ? (await o.remote.listAll({ parentId: keys.id, name: IDENTITY_FILE }))[0] : undefined;
  const stored = await loadDriveKey(o.secrets);
  if (!sealed) return stored;
  if (stored && !o.password) return stored;
  const password = o.password ?? needKey(null, `The backup of plan ${planFolder.name}`).password;
  const tmp = path.join(o.cacheDir, `identity.${process.pid}.age`);
  fs.mkdirSync(o.cacheDir, { recursive: true });
  await o.remote.downloadTo(sealed.id, tmp);
  try {
    const identity = await openIdentity(fs.readFileSync(tmp), password);
    return await saveDriveKey(o.secrets, password, identity);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function importPlan(o: DriveImportOptions, machine: string, pf: DriveFile) {
  const key = await keyFor(o, pf);
  const dir = path.join(o.cacheDir, machine, pf.name);
  fs.mkdirSync(dir, { recursive: true });
  let plan = findPlan(o.db, pf.name);
  const created = !plan;
  const settings = await readPlanJson(o, pf, dir, key);
  if (!plan) {
    if (!settings) throw new CairnError('corrupt', `Drive folder ${machine}/${pf.name} has no plan.json.`);
    plan = planFromSettings(o.db, pf.name, settings, o.now());
  }
  const madeWithClient = typeof settings?.oauthClientId === 'string' ? settings.oauthClientId : null;
  recordCopyClient(o.db, madeWithClient);
  const c = { remoteId: o.remoteId, planId: plan.id };
  drivePlan(o.db, c, machine);
  updateDrivePlan(o.db, c, { folderId: pf.id, folderUrl: pf.webViewLink });
  const sub = await folders(o.remote, pf.id);
  const packsFolder = sub.find((f) => f.name === 'packs');
  const manFolder = sub.find((f) => f.name === 'manifests');
  const onDrive = new Map(
    (packsFolder ? await o.remote.listAll({ parentId: packsFolder.id }) : []).map((f) => [f.name, f]),
  );
  const manFiles = manFolder ? await o.remote.listAll({ parentId: manFolder.id }) : [];
  const manifests = [
    ...new Map(
      manFiles.flatMap((f) => {
        const p = parseManifestName(f.name);
        return p ? [[p.stamp, f] as const] : [];
      }),
    ),
  ].sort((a, b) => a[0].localeCompare(b[0]));
  const known = new Set(listDriveManifests(o.db, c).map((m) => m.stamp));
  const packed = packedContent(o.db, c);
  const imported: string[] = [];
  const notListed: string[] = [];
  // Manifests and maps stored as changes to an earlier backup are rebuilt from their chains (chain.ts).
  const src = listingSource(o.remote, manFiles, key);
  const chainDir = path.join(dir, 'chain');
  fs.rmSync(chainDir, { recursive: true, force: true });
  const parents = new Map<string, string | null>();
  for (const [stamp, f] of manifests) {
    if (known.has(stamp)) continue;
    const mapF = driveFileOf(manFiles, stamp, 'map');
    if (!mapF) continue; // a push stopped between the manifest and its map: not a backup on Drive yet
    const pfile = path.join(dir, `${stamp}.packs.tsv`);
    fs.rmSync(path.join(dir, `${stamp}.tsv.gz`), { force: true });
    const mfile = await fullManifest(src, stamp, dir, parents);
    fs.renameSync(await fullMap(src, stamp, dir), `${pfile}.gz`);
    const sizes = await manifestSizes(mfile);
    const packsNow = new Map(listPacks(o.db, c).map((p) => [p.name, p]));
    const byPack = new Map<string, { sha256: string; size: number }[]>();
    const pieces = new Map<string, Map<number, Piece>>();
    for (const line of readLinesGz(`${pfile}.gz`, pfile)) {
      const l = parseMapLine(line);
      if (!l) continue;
      const whole = sizes.get(l.sha256) ?? 0;
      const content = l.piece
        ? { sha256: l.piece.sha256, size: pieceSize(whole, l.piece.index) }
        : { sha256: l.sha256, size: whole };
      if (l.piece) {
        const list = pieces.get(l.sha256) ?? new Map<number, Piece>();
        pieces.set(l.sha256, list.set(l.piece.index, { index: l.piece.index, ...content }));
      }
      if (packsNow.has(l.pack)) continue;
      const list = byPack.get(l.pack) ?? [];
      list.push(content);
      byPack.set(l.pack, list);
    }
    o.db.transaction(() => {
      for (const [sha, list] of pieces) insertPieces(o.db, c, sha, [...list.values()]);
      for (const [name, contents] of byPack) {
        const df = onDrive.get(name);
        if (!df) continue;
        const uniq = [...new Map(contents.map((c) => [c.sha256, c])).values()];
        const free = uniq.filter((x) => !packed(x.sha256));
        insertUploadedPack(
          o.db,
          {
            ...c,
            name,
            fileId: df.id,
            size: df.size ?? 0,
            md5: df.md5Checksum ?? '',
            contentBytes: uniq.reduce((n, c) => n + c.size, 0),
            members: uniq.length,
            encrypted: name.endsWith('.age'),
          },
          free,
          o.now(),
        );
      }
    })();
    const st = await recordBackup(o, plan, stamp, mfile, dir);
    insertDriveManifest(o.db, {
      ...c,
      stamp,
      fileId: f.id,
      name: f.name,
      md5: f.md5Checksum ?? '',
      mapFileId: mapF.id,
      mapName: mapF.name,
      mapMd5: mapF.md5Checksum ?? '',
      files: st.files,
      bytes: st.bytes,
      startedAt: st.startedAt,
      uploadedAt: o.now(),
      manifestParent: parents.get(stamp) ?? null,
      mapParent: await mapParentIn(dir, stamp),
    });
    fs.rmSync(pfile, { force: true });
    fs.rmSync(`${pfile}.gz`, { force: true });
    (st.recorded ? imported : notListed).push(stamp);
  }
  fs.rmSync(chainDir, { recursive: true, force: true });
  await restoreMeta(o, plan, pf, dir, key, imported);
  logActivity(o.db, {
    at: o.now(),
    planId: plan.id,
    kind: 'import',
    actor: o.actor,
    message: `Imported ${imported.length} backup(s) of ${plan.name} from ${remoteTitle(o.db, o.remoteId)}`,
  });
  return {
    planName: plan.name,
    created,
    imported,
    notListed,
    madeWithClient,
    clientWarning: clientMismatch(madeWithClient, o.remote.clientId ?? null),
  };
}

/** The plan's plan.json[.age] on Drive, or null when there is none. */
async function readPlanJson(
  o: DriveImportOptions,
  pf: DriveFile,
  dir: string,
  key: DriveKey | null,
): Promise<PlanJson | null> {
  const files = await o.remote.listAll({ parentId: pf.id });
  const pj =
    files.find((f) => f.name === planFileName(true)) ?? files.find((f) => f.name === planFileName(false));
  if (!pj) return null;
  const local = path.join(dir, 'plan.json');
  await fetchPlain(o.remote, { fileId: pj.id, name: pj.name, md5: pj.md5Checksum }, local, key);
  return JSON.parse(fs.readFileSync(local, 'utf8')) as PlanJson;
}

function* readLinesGz(gz: string, plain: string): Generator<string> {
  fs.writeFileSync(plain, zlib.gunzipSync(fs.readFileSync(gz)));
  yield* readLinesSync(plain);
}

/**
 * Records a backup from its manifest in the catalog (after the newest it has), as `cairn import` does for
 * a local destination, but with no backup folder: its files come from Drive.
 */
async function recordBackup(o: DriveImportOptions, plan: Plan, stamp: string, manifest: string, dir: string) {
  const { db } = o;
  const now = o.now();
  const prev = listBackups(db, { planId: plan.id, limit: 1 })[0];
  const tmp = path.join(dir, `${stamp}.changes`);
  const cached = prev ? path.join(dir, `${prev.stamp}.tsv.gz`) : null;
  const prevFile =
    cached && !fs.existsSync(cached) ? planLayout(plan.dest, plan.name).manifestFile(prev!.stamp) : cached;
  const usePrev = prevFile !== null && fs.existsSync(prevFile);
  const { header, counts } = await diffManifests(usePrev ? prevFile : null, manifest, tmp);
  const base = { files: counts.files, bytes: counts.bytes, startedAt: header.startedAt };
  if (prev && prev.stamp >= stamp) {
    fs.rmSync(tmp, { force: true });
    return { ...base, recorded: false };
  }
  try {
    recordDiffedBackup(db, plan, {
      stamp,
      startedAt: header.startedAt,
      finishedAt: header.startedAt || now,
      counts,
      note: `imported from ${o.remote.kind && o.remote.kind !== 'drive' ? (o.remote.label ?? 'a remote') : 'Google Drive'}`,
      prevId: prev?.id ?? null,
      usePrev,
      changesFile: tmp,
    });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { ...base, recorded: true };
}

/** Puts back the pins, notes and statuses backups.json on Drive remembers, for the backups just imported. */
async function restoreMeta(
  o: DriveImportOptions,
  plan: Plan,
  pf: DriveFile,
  dir: string,
  key: DriveKey | null,
  imported: string[],
): Promise<void> {
  const files = await o.remote.listAll({ parentId: pf.id });
  const f =
    files.find((x) => x.name === indexFileName(true)) ?? files.find((x) => x.name === indexFileName(false));
  if (!f || imported.length === 0) return;
  const local = path.join(dir, 'backups.json');
  await fetchPlain(o.remote, { fileId: f.id, name: f.name, md5: f.md5Checksum }, local, key);
  const idx = JSON.parse(fs.readFileSync(local, 'utf8')) as { backups?: BackupIndexEntry[] };
  const wanted = new Set(imported);
  for (const e of idx.backups ?? []) {
    const b = wanted.has(e.stamp) ? findBackup(o.db, plan.id, e.stamp) : undefined;
    if (b) restoreBackupMeta(o.db, b.id, e);
  }
}
