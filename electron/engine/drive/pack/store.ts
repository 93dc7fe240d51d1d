import type { Db } from '../../catalog/db';
import { kvGet, kvSet } from '../../catalog/kv';
import { DRIVE_REMOTE_ID, remoteById } from '../../remotes/registry';
import type { Piece } from './layout';

/**
 * Which copy: a plan on one remote (Drive is DRIVE_REMOTE_ID, remotes/registry.ts). Every copy table is
 * keyed by both (migration 0011), so two remotes holding the same plan keep their own packs and manifests.
 */
export interface CopyId {
  remoteId: number;
  planId: number;
}

/** A plan's copy on Google Drive. */
export function driveCopy(planId: number): CopyId {
  return { remoteId: DRIVE_REMOTE_ID, planId };
}

/** The copy of `plan` on the remote `remoteId` (the options of push, prune, verify, restore carry both). */
export function copyOf(o: { remoteId: number; plan: { id: number } }): CopyId {
  return { remoteId: o.remoteId, planId: o.plan.id };
}

/** The remote as messages name it: "Drive", or "remote NAME". */
export function remoteTitle(db: Db, remoteId: number): string {
  return remoteId === DRIVE_REMOTE_ID ? 'Drive' : `remote ${remoteById(db, remoteId).name}`;
}

/** A pack as the catalog records it (tables of migration 0002). */
export interface PackRow {
  id: number;
  remoteId: number;
  planId: number;
  name: string;
  status: 'staged' | 'uploaded';
  fileId: string | null;
  size: number;
  md5: string;
  contentBytes: number;
  members: number;
  encrypted: boolean;
}

/** A backup's manifest and pack map on Drive. */
export interface DriveManifestRow {
  remoteId: number;
  planId: number;
  stamp: string;
  fileId: string;
  name: string;
  md5: string;
  mapFileId: string;
  mapName: string;
  mapMd5: string;
  files: number;
  bytes: number;
  startedAt: number;
  uploadedAt: number;
  /** The backup the manifest is a delta against; null when it is full (format16 section 3). */
  manifestParent: string | null;
  /** The backup the pack map is a delta against; null when it is full. */
  mapParent: string | null;
}

/** Per-plan Drive state. */
export interface DrivePlanRow {
  remoteId: number;
  planId: number;
  machine: string;
  folderId: string | null;
  folderUrl: string | null;
  readmeVersion: number;
  lastPushAt: number | null;
  lastPushBytes: number | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastErrorAt: number | null;
  resumesAt: number | null;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const camel = (r: any): any =>
  Object.fromEntries(
    Object.entries(r).map(([k, v]) => [k.replace(/_(.)/g, (_, c: string) => c.toUpperCase()), v]),
  );

function toPack(r: any): PackRow {
  const p = camel(r);
  return { ...p, encrypted: p.encrypted === 1 };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Records a pack written locally, with its contents, before its upload starts (so a kill can resume it). */
export function insertStagedPack(
  db: Db,
  p: Omit<PackRow, 'id' | 'status' | 'fileId'>,
  contents: { sha256: string; size: number }[],
  now: number,
): PackRow {
  return db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO drive_packs (remote_id, plan_id, name, status, size, md5, content_bytes, members, encrypted,
           created_at) VALUES (?, ?, ?, 'staged', ?, ?, ?, ?, ?, ?)`,
      )
      .run(p.remoteId, p.planId, p.name, p.size, p.md5, p.contentBytes, p.members, p.encrypted ? 1 : 0, now);
    const id = Number(info.lastInsertRowid);
    const ins = db.prepare(
      'INSERT INTO drive_pack_contents (remote_id, plan_id, sha256, pack_id, size) VALUES (?, ?, ?, ?, ?)',
    );
    for (const c of contents) ins.run(p.remoteId, p.planId, c.sha256, id, c.size);
    return getPack(db, id)!;
  })();
}

/** Marks a pack uploaded (its MD5 matched on Drive). */
export function markUploaded(db: Db, packId: number, fileId: string, now: number): void {
  db.prepare("UPDATE drive_packs SET status = 'uploaded', file_id = ?, uploaded_at = ? WHERE id = ?").run(
    fileId,
    now,
    packId,
  );
}

/** Records a pack that is already on Drive (drive import, repack). */
export function insertUploadedPack(
  db: Db,
  p: Omit<PackRow, 'id' | 'status'>,
  contents: { sha256: string; size: number }[],
  now: number,
): PackRow {
  const staged = insertStagedPack(db, p, contents, now);
  markUploaded(db, staged.id, p.fileId!, now);
  return getPack(db, staged.id)!;
}

/** Forgets a pack and which contents it held. */
export function deletePack(db: Db, packId: number): void {
  db.prepare('DELETE FROM drive_packs WHERE id = ?').run(packId);
}

export function getPack(db: Db, id: number): PackRow | undefined {
  const r = db.prepare('SELECT * FROM drive_packs WHERE id = ?').get(id);
  return r ? toPack(r) : undefined;
}

/** The copy's packs, oldest first. */
export function listPacks(db: Db, c: CopyId, status?: PackRow['status']): PackRow[] {
  const rows = status
    ? db
        .prepare('SELECT * FROM drive_packs WHERE remote_id = ? AND plan_id = ? AND status = ? ORDER BY id')
        .all(c.remoteId, c.planId, status)
    : db
        .prepare('SELECT * FROM drive_packs WHERE remote_id = ? AND plan_id = ? ORDER BY id')
        .all(c.remoteId, c.planId);
  return rows.map(toPack);
}

/** The pack holding a content, or undefined. */
export function packOf(db: Db, c: CopyId): (sha256: string) => PackRow | undefined {
  const stmt = db.prepare(
    `SELECT p.* FROM drive_pack_contents c JOIN drive_packs p ON p.id = c.pack_id
     WHERE c.remote_id = ? AND c.plan_id = ? AND c.sha256 = ?`,
  );
  return (sha) => {
    const r = stmt.get(c.remoteId, c.planId, sha);
    return r ? toPack(r) : undefined;
  };
}

/** Records the piece list of a pieced content (migration 0007), replacing any older one. */
export function insertPieces(db: Db, c: CopyId, sha256: string, pieces: Piece[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM drive_pieces WHERE remote_id = ? AND plan_id = ? AND sha256 = ?').run(
      c.remoteId,
      c.planId,
      sha256,
    );
    const ins = db.prepare(
      'INSERT INTO drive_pieces (remote_id, plan_id, sha256, idx, piece_sha256, size) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const p of pieces) ins.run(c.remoteId, c.planId, sha256, p.index, p.sha256, p.size);
  })();
}

/** The piece list of a content, in order; empty when it is not stored in pieces. */
export function piecesOf(db: Db, c: CopyId): (sha256: string) => Piece[] {
  const stmt = db.prepare(
    `SELECT idx AS "index", piece_sha256 AS sha256, size FROM drive_pieces
     WHERE remote_id = ? AND plan_id = ? AND sha256 = ? ORDER BY idx`,
  );
  return (sha) => stmt.all(c.remoteId, c.planId, sha) as Piece[];
}

/**
 * Whether Drive has a content (format16 §1): it is a member of a pack, or it has a piece list whose every
 * piece is. `uploadedOnly`: count only packs on Drive (else staged packs count too, as a push does after
 * settling them first).
 */
export function driveHasContent(db: Db, c: CopyId, uploadedOnly = true): (sha256: string) => boolean {
  const status = uploadedOnly ? "AND p.status = 'uploaded'" : '';
  const member = db
    .prepare(
      `SELECT 1 FROM drive_pack_contents c JOIN drive_packs p ON p.id = c.pack_id
       WHERE c.remote_id = ? AND c.plan_id = ? AND c.sha256 = ? ${status}`,
    )
    .pluck();
  const pieces = db.prepare(
    `SELECT COUNT(*) AS n, COUNT(p.id) AS held FROM drive_pieces x
     LEFT JOIN drive_pack_contents c
       ON c.remote_id = x.remote_id AND c.plan_id = x.plan_id AND c.sha256 = x.piece_sha256
     LEFT JOIN drive_packs p ON p.id = c.pack_id ${status}
     WHERE x.remote_id = ? AND x.plan_id = ? AND x.sha256 = ?`,
  );
  return (sha) => {
    if (member.get(c.remoteId, c.planId, sha) !== undefined) return true;
    const r = pieces.get(c.remoteId, c.planId, sha) as { n: number; held: number };
    return r.n > 0 && r.n === r.held;
  };
}

/** Pieces of recorded piece lists that no uploaded pack holds (drive verify reports them). */
export function piecesOffDrive(db: Db, c: CopyId): { sha256: string; index: number; piece: string }[] {
  return db
    .prepare(
      `SELECT x.sha256, x.idx AS "index", x.piece_sha256 AS piece FROM drive_pieces x
       LEFT JOIN drive_pack_contents c
         ON c.remote_id = x.remote_id AND c.plan_id = x.plan_id AND c.sha256 = x.piece_sha256
       LEFT JOIN drive_packs p ON p.id = c.pack_id AND p.status = 'uploaded'
       WHERE x.remote_id = ? AND x.plan_id = ? AND p.id IS NULL ORDER BY x.sha256, x.idx`,
    )
    .all(c.remoteId, c.planId) as { sha256: string; index: number; piece: string }[];
}

/** Forgets the piece lists of contents no backup on Drive names any more (retention, after drive_live is filled). */
export function forgetDeadPieces(db: Db, c: CopyId): void {
  db.prepare(
    `DELETE FROM drive_pieces WHERE remote_id = ? AND plan_id = ?
       AND sha256 NOT IN (SELECT sha256 FROM drive_live)`,
  ).run(c.remoteId, c.planId);
}

/** Whether the copy records a content in some pack (import: a content is recorded in one pack only). */
export function packedContent(db: Db, c: CopyId): (sha256: string) => boolean {
  const stmt = db
    .prepare('SELECT 1 FROM drive_pack_contents WHERE remote_id = ? AND plan_id = ? AND sha256 = ?')
    .pluck();
  return (sha) => stmt.get(c.remoteId, c.planId, sha) !== undefined;
}

/** Records packs a repack wrote (already uploaded) and moves the contents to them; forgets the old packs. */
export function replacePacks(
  db: Db,
  made: { pack: Omit<PackRow, 'id' | 'status'>; contents: { sha256: string; size: number }[] }[],
  old: PackRow[],
  now: number,
): void {
  db.transaction(() => {
    const move = db.prepare(
      `INSERT OR REPLACE INTO drive_pack_contents (remote_id, plan_id, sha256, pack_id, size)
       VALUES (?, ?, ?, ?, ?)`,
    );
    for (const m of made) {
      const p = insertUploadedPack(db, m.pack, [], now);
      for (const c of m.contents) move.run(p.remoteId, p.planId, c.sha256, p.id, c.size);
    }
    for (const p of old) deletePack(db, p.id);
  })();
}

/** The contents a pack holds. */
export function packContents(db: Db, packId: number): { sha256: string; size: number }[] {
  return db.prepare('SELECT sha256, size FROM drive_pack_contents WHERE pack_id = ?').all(packId) as {
    sha256: string;
    size: number;
  }[];
}

/** Records a backup's manifest on Drive (full unless parents are given). */
export function insertDriveManifest(
  db: Db,
  m: Omit<DriveManifestRow, 'manifestParent' | 'mapParent'> & Partial<DriveManifestRow>,
): void {
  db.prepare(
    `INSERT OR REPLACE INTO drive_manifests (remote_id, plan_id, stamp, file_id, name, md5, map_file_id,
       map_name, map_md5, files, bytes, started_at, uploaded_at, manifest_parent, map_parent)
     VALUES (@remoteId, @planId, @stamp, @fileId, @name, @md5, @mapFileId, @mapName, @mapMd5, @files, @bytes, @startedAt,
       @uploadedAt, @manifestParent, @mapParent)`,
  ).run({ ...m, manifestParent: m.manifestParent ?? null, mapParent: m.mapParent ?? null });
}

/** Points a backup's manifest or map at a new file on Drive (rewritten full: its parent becomes null). */
export function replaceDriveFile(
  db: Db,
  c: CopyId,
  stamp: string,
  which: 'manifest' | 'map',
  f: { fileId: string; name: string; md5: string },
): void {
  const cols =
    which === 'manifest'
      ? 'file_id = ?, name = ?, md5 = ?, manifest_parent = NULL'
      : 'map_file_id = ?, map_name = ?, map_md5 = ?, map_parent = NULL';
  db.prepare(`UPDATE drive_manifests SET ${cols} WHERE remote_id = ? AND plan_id = ? AND stamp = ?`).run(
    f.fileId,
    f.name,
    f.md5,
    c.remoteId,
    c.planId,
    stamp,
  );
}

/** The backups of a plan that are on the remote, newest first. */
export function listDriveManifests(db: Db, c: CopyId): DriveManifestRow[] {
  return db
    .prepare('SELECT * FROM drive_manifests WHERE remote_id = ? AND plan_id = ? ORDER BY stamp DESC')
    .all(c.remoteId, c.planId)
    .map(camel) as DriveManifestRow[];
}

/** The remotes (ids, Drive first) that hold the backup `stamp` of the plan. */
export function remotesHolding(db: Db, planId: number, stamp: string): number[] {
  return db
    .prepare('SELECT remote_id FROM drive_manifests WHERE plan_id = ? AND stamp = ? ORDER BY remote_id')
    .pluck()
    .all(planId, stamp) as number[];
}

/** Forgets a backup on Drive that retention removed, and remembers it was removed (no push sends it again). */
export function deleteDriveManifest(db: Db, c: CopyId, stamp: string, now: number): void {
  db.transaction(() => {
    db.prepare('DELETE FROM drive_manifests WHERE remote_id = ? AND plan_id = ? AND stamp = ?').run(
      c.remoteId,
      c.planId,
      stamp,
    );
    db.prepare(
      'INSERT OR REPLACE INTO drive_pruned (remote_id, plan_id, stamp, pruned_at) VALUES (?, ?, ?, ?)',
    ).run(c.remoteId, c.planId, stamp, now);
  })();
}

/** Stamps retention removed from the remote. */
export function prunedFromDrive(db: Db, c: CopyId): Set<string> {
  return new Set(
    db
      .prepare('SELECT stamp FROM drive_pruned WHERE remote_id = ? AND plan_id = ?')
      .pluck()
      .all(c.remoteId, c.planId) as string[],
  );
}

/** The copy's state, made on first use. */
export function drivePlan(db: Db, c: CopyId, machine: string): DrivePlanRow {
  db.prepare('INSERT OR IGNORE INTO drive_plans (remote_id, plan_id, machine) VALUES (?, ?, ?)').run(
    c.remoteId,
    c.planId,
    machine,
  );
  return findDrivePlan(db, c)!;
}

/** The copy's state, if it was ever pushed or imported. */
export function findDrivePlan(db: Db, c: CopyId): DrivePlanRow | undefined {
  const r = db
    .prepare('SELECT * FROM drive_plans WHERE remote_id = ? AND plan_id = ?')
    .get(c.remoteId, c.planId);
  return r ? (camel(r) as DrivePlanRow) : undefined;
}

/** Updates some fields of the copy's state. */
export function updateDrivePlan(
  db: Db,
  c: CopyId,
  patch: Partial<Omit<DrivePlanRow, 'planId' | 'remoteId'>>,
): void {
  const cols = Object.keys(patch);
  if (cols.length === 0) return;
  const snake = (k: string) => k.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`);
  db.prepare(
    `UPDATE drive_plans SET ${cols.map((k) => `${snake(k)} = @${k}`).join(', ')}
     WHERE remote_id = @remoteId AND plan_id = @planId`,
  ).run({ ...patch, remoteId: c.remoteId, planId: c.planId });
}

const QUOTA_KEY = 'drive.quota';

/** The Drive account's storage as Drive last told it (about.get), kept for the health model. */
export function recordDriveQuota(db: Db, quota: { used: number; limit: number | null }, at: number): void {
  kvSet(db, QUOTA_KEY, { ...quota, at });
}

/** The Drive storage last seen, or null. */
export function lastDriveQuota(db: Db): { used: number; limit: number | null; at: number } | null {
  return kvGet<{ used: number; limit: number | null; at: number }>(db, QUOTA_KEY) ?? null;
}
