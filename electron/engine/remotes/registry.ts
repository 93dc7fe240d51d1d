// The off-site copies a catalog knows (migration 0011): Google Drive (row 1, "drive", every plan), S3-compatible
// buckets and rclone remotes (the plans named in remote_plans). Settings only: credentials live in the secret
// store (`remoteSecretKey`), never here; an rclone remote's credentials stay in rclone's own config.
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { CairnError } from '../errors';

export type RemoteKind = 'drive' | 's3' | 'rclone';

/** An S3-compatible bucket: AWS, Backblaze B2, Wasabi, Cloudflare R2, MinIO, Ceph, Garage... */
export interface S3Config {
  bucket: string;
  /** Key prefix inside the bucket, '' or ending in '/'; several machines may share a bucket under their own. */
  prefix: string;
  /** null: AWS itself. */
  endpoint: string | null;
  region: string;
  /** Path-style addresses (http://host/bucket/key), which most self-hosted stores need. */
  pathStyle: boolean;
  /** STANDARD, STANDARD_IA, GLACIER_IR...; null: the bucket's default. */
  storageClass: string | null;
}

/** An existing rclone remote and a path in it, "name:path" (`rclone config` made it and holds its credentials). */
export interface RcloneConfig {
  remote: string;
  /** rclone's config file; null: rclone's own default. */
  configFile: string | null;
}

export type RemoteConfig = S3Config | RcloneConfig | Record<string, never>;

export interface RemoteRow {
  id: number;
  name: string;
  kind: RemoteKind;
  config: RemoteConfig;
  /** Push after each backup of a plan it copies (else only by hand or `cairn remote push`). */
  autoPush: boolean;
  createdAt: number;
}

export const DRIVE_REMOTE_ID = 1;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

interface Raw {
  id: number;
  name: string;
  kind: RemoteKind;
  config: string;
  auto_push: number;
  created_at: number;
}

function fromRaw(r: Raw): RemoteRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    config: JSON.parse(r.config) as RemoteConfig,
    autoPush: r.auto_push === 1,
    createdAt: r.created_at,
  };
}

/** The secret-store key of a remote's credentials (S3: `{"accessKeyId", "secretAccessKey"}` as JSON). */
export function remoteSecretKey(name: string): string {
  return `remote.${name}.credentials`;
}

/** Every remote, Drive first. */
export function listRemotes(db: Db): RemoteRow[] {
  return (db.prepare('SELECT * FROM remotes ORDER BY id').all() as Raw[]).map(fromRaw);
}

export function findRemote(db: Db, name: string): RemoteRow | undefined {
  const r = db.prepare('SELECT * FROM remotes WHERE name = ?').get(name) as Raw | undefined;
  return r && fromRaw(r);
}

export function remoteById(db: Db, id: number): RemoteRow {
  const r = db.prepare('SELECT * FROM remotes WHERE id = ?').get(id) as Raw | undefined;
  if (!r) throw new CairnError('not-found', `No remote with id ${id}.`);
  return fromRaw(r);
}

/** The remote named `name`, or a not-found error that lists the ones there are. */
export function getRemote(db: Db, name: string): RemoteRow {
  const r = findRemote(db, name);
  if (r) return r;
  const names = listRemotes(db).map((x) => x.name);
  throw new CairnError('not-found', `No remote named "${name}". Remotes: ${names.join(', ')}.`);
}

/** Adds a remote copying `planIds` (none: a remote added only to import from). */
export function addRemote(
  db: Db,
  o: {
    name: string;
    kind: Exclude<RemoteKind, 'drive'>;
    config: RemoteConfig;
    planIds: number[];
    now: number;
  },
): RemoteRow {
  if (!NAME.test(o.name))
    throw new CairnError(
      'usage',
      `"${o.name}" cannot name a remote: use up to 32 letters, digits, dots, dashes or underscores.`,
    );
  if (findRemote(db, o.name)) throw new CairnError('conflict', `A remote named "${o.name}" exists already.`);
  const id = db.transaction(() => {
    const { lastInsertRowid } = db
      .prepare('INSERT INTO remotes (name, kind, config, created_at) VALUES (?, ?, ?, ?)')
      .run(o.name, o.kind, JSON.stringify(o.config), o.now);
    for (const p of o.planIds) attachPlan(db, Number(lastInsertRowid), p);
    return Number(lastInsertRowid);
  })();
  return remoteById(db, id);
}

export function attachPlan(db: Db, remoteId: number, planId: number): void {
  db.prepare('INSERT OR IGNORE INTO remote_plans (remote_id, plan_id) VALUES (?, ?)').run(remoteId, planId);
}

export function detachPlan(db: Db, remoteId: number, planId: number): void {
  db.prepare('DELETE FROM remote_plans WHERE remote_id = ? AND plan_id = ?').run(remoteId, planId);
}

export function setAutoPush(db: Db, remoteId: number, on: boolean): void {
  db.prepare('UPDATE remotes SET auto_push = ? WHERE id = ?').run(on ? 1 : 0, remoteId);
}

/** The ids of the plans a remote copies: every plan for Drive, those attached for the others. */
export function remotePlanIds(db: Db, remote: RemoteRow): number[] {
  const rows =
    remote.kind === 'drive'
      ? db.prepare('SELECT id AS planId FROM plans ORDER BY id').all()
      : db
          .prepare('SELECT plan_id AS planId FROM remote_plans WHERE remote_id = ? ORDER BY plan_id')
          .all(remote.id);
  return (rows as { planId: number }[]).map((r) => r.planId);
}

/** The remotes other than Drive that copy `plan`. */
export function remotesOfPlan(db: Db, plan: Pick<Plan, 'id'>): RemoteRow[] {
  return (
    db
      .prepare(
        `SELECT r.* FROM remotes r JOIN remote_plans rp ON rp.remote_id = r.id
         WHERE rp.plan_id = ? AND r.kind != 'drive' ORDER BY r.id`,
      )
      .all(plan.id) as Raw[]
  ).map(fromRaw);
}

/**
 * Forgets a remote and everything the catalog knew of its copy (packs, manifests, pieces, sessions, state).
 * Nothing on the remote itself is deleted. Drive cannot be removed (disconnect it instead).
 */
export function removeRemote(db: Db, name: string): void {
  const r = getRemote(db, name);
  if (r.kind === 'drive')
    throw new CairnError(
      'usage',
      'Google Drive cannot be removed; disconnect it with `cairn drive disconnect`.',
    );
  db.transaction(() => {
    db.prepare('DELETE FROM drive_packs WHERE remote_id = ?').run(r.id); // contents follow (pack_id cascade)
    db.prepare('DELETE FROM remotes WHERE id = ?').run(r.id); // the other tables follow (remote_id cascade)
  })();
}
