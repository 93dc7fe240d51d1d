// Adding, removing and re-planning off-site remotes (S3 buckets, rclone remotes): what `cairn remote add |
// remove | plan` and the off-site view's form do, in one place. Credentials go to the secret store only.
import { logActivity } from '../../catalog/activity';
import { findPlanById, getPlan } from '../../catalog/plans';
import { FOLDER_MIME, type DriveRemote } from '../../drive/types';
import { ROOT_FOLDER } from '../../drive/pack/layout';
import { CairnError, describeError } from '../../errors';
import { openRemote, remoteLabel } from '../../remotes/ops';
import {
  addRemote,
  attachPlan,
  detachPlan,
  findRemote,
  getRemote,
  remotePlanIds,
  remoteSecretKey,
  removeRemote,
  setAutoPush,
  type RcloneConfig,
  type RemoteRow,
  type S3Config,
} from '../../remotes/registry';
import { DRIVE_SETTING_KEYS, driveSettings, setDriveSetting } from '../../drive/pack/settings';
import { editDrivePolicy, type DriveCounts } from '../../drive/pack/policy';
import type { Retention } from '../../catalog/plans';
import type { OpsDeps } from './deps';

export type NewRemote =
  | { kind: 's3'; config: S3Config; credentials: { accessKeyId: string; secretAccessKey: string } | null }
  | { kind: 'rclone'; config: RcloneConfig };

/** Where a remote keeps its copy, as people write it: "s3://bucket/prefix at https://host", "nas:backups". */
export function remoteWhere(row: RemoteRow): string {
  const endpoint = row.kind === 's3' ? (row.config as S3Config).endpoint : null;
  return remoteLabel(row) + (endpoint ? ` at ${endpoint}` : '');
}

/** What a quick look at the store found: reachable or not (and why), and whose backups it holds. */
export interface RemoteReach {
  reachable: boolean;
  /** The machines with a Cairn folder on the store (their backups `cairn remote import` can rebuild). */
  machines: string[];
  /** One sentence for the user. */
  message: string;
}

/** The machine folders under Cairn/ on a store (none when it holds no Cairn backup). */
async function machinesOn(remote: DriveRemote): Promise<string[]> {
  const root = await remote.findFolder([ROOT_FOLDER]);
  if (!root) return [];
  const folders = await remote.listAll({ parentId: root.id, mimeType: FOLDER_MIME });
  return folders.map((f) => f.name).sort();
}

/** Opens the remote for a status look (one try of each request) and says what it holds. */
export async function reachRemote(d: OpsDeps, row: RemoteRow, env?: NodeJS.ProcessEnv): Promise<RemoteReach> {
  const where = remoteWhere(row);
  try {
    const remote = await openRemote(d.db, row, { secrets: d.secrets, env }, { quick: true });
    const machines = await machinesOn(remote);
    // What the store says of itself (S3: versioning, object lock); a store that will not say is no error.
    const notes = (await remote.about().catch(() => null))?.notes ?? [];
    return {
      reachable: true,
      machines,
      message:
        (machines.length
          ? `${where} holds Cairn backups of ${machines.join(', ')}; to rebuild the catalog from them: cairn remote import ${row.name}.`
          : `${where} is reachable and holds no Cairn backup yet.`) +
        notes.map((n) => ` Note: ${n.replace(/\.$/, '')}.`).join(''),
    };
  } catch (e) {
    return { reachable: false, machines: [], message: `${where} could not be reached: ${describeError(e)}` };
  }
}

/**
 * Adds a remote copying the named plans (none: only to import from), keeping S3 keys in the secret store,
 * then looks at the store. An unreachable store is still added (it may be offline, or its keys come later):
 * the answer says so, and `cairn remote remove` takes it back.
 */
export async function addRemoteOp(
  d: OpsDeps,
  i: NewRemote & { name: string; plans: string[]; env?: NodeJS.ProcessEnv },
): Promise<{ remote: RemoteRow; reach: RemoteReach }> {
  const planIds = i.plans.map((p) => getPlan(d.db, p).id);
  if (findRemote(d.db, i.name))
    throw new CairnError(
      'conflict',
      `A remote named "${i.name}" exists already; pick another name, or remove it first with: cairn remote remove ${i.name}.`,
    );
  const key = remoteSecretKey(i.name);
  if (i.kind === 's3' && i.credentials) await d.secrets.set(key, JSON.stringify(i.credentials));
  let row: RemoteRow;
  try {
    row = addRemote(d.db, { name: i.name, kind: i.kind, config: i.config, planIds, now: d.now() });
  } catch (e) {
    if (i.kind === 's3' && i.credentials) await d.secrets.delete(key);
    throw e;
  }
  logActivity(d.db, {
    at: d.now(),
    kind: 'settings',
    actor: d.actor,
    message: `Remote ${row.name} added: ${remoteWhere(row)}` + planText(i.plans),
  });
  return { remote: row, reach: await reachRemote(d, row, i.env) };
}

const planText = (plans: string[]) => (plans.length ? `, copying ${plans.join(', ')}` : ', no plan yet');

/** What removing a remote forgets: the catalog's record of its copy (nothing on the store is deleted). */
export interface RemoteForgotten {
  name: string;
  where: string;
  plans: string[];
  backups: number;
  packs: number;
  /** S3 keys kept in the secret store for it (deleted with it). */
  keys: boolean;
}

/** The names of the plans a remote copies. */
function planNames(d: Pick<OpsDeps, 'db'>, row: RemoteRow): string[] {
  return remotePlanIds(d.db, row).map((id) => findPlanById(d.db, id)!.name);
}

/** What the catalog knows of a remote's copy, for the preview and the answer of a removal. */
export async function remoteKnowledge(
  d: Pick<OpsDeps, 'db' | 'secrets'>,
  name: string,
): Promise<RemoteForgotten> {
  const row = getRemote(d.db, name);
  const count = (table: string) =>
    (d.db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE remote_id = ?`).get(row.id) as { n: number }).n;
  return {
    name: row.name,
    where: remoteWhere(row),
    plans: planNames(d, row),
    backups: count('drive_manifests'),
    packs: count('drive_packs'),
    keys: (await d.secrets.get(remoteSecretKey(row.name))) !== null,
  };
}

/** Forgets a remote, its catalog records and its stored keys; the store keeps every file. */
export async function removeRemoteOp(d: OpsDeps, name: string): Promise<RemoteForgotten> {
  const known = await remoteKnowledge(d, name);
  removeRemote(d.db, name);
  await d.secrets.delete(remoteSecretKey(name));
  logActivity(d.db, {
    at: d.now(),
    kind: 'settings',
    actor: d.actor,
    message: `Remote ${name} removed (${known.where}); nothing on it was deleted`,
  });
  return known;
}

/** Attaches and detaches plans of a remote (Drive copies every plan: it has none to change). */
export function setRemotePlans(
  d: OpsDeps,
  name: string,
  change: { add: string[]; remove: string[] },
): string[] {
  const row = getRemote(d.db, name);
  if (row.kind === 'drive')
    throw new CairnError('usage', 'Google Drive copies every plan; there is nothing to attach or detach.');
  const add = change.add.map((p) => getPlan(d.db, p));
  const remove = change.remove.map((p) => getPlan(d.db, p));
  d.db.transaction(() => {
    for (const p of add) attachPlan(d.db, row.id, p.id);
    for (const p of remove) detachPlan(d.db, row.id, p.id);
  })();
  const plans = planNames(d, row);
  logActivity(d.db, {
    at: d.now(),
    kind: 'settings',
    actor: d.actor,
    message: `Remote ${name} now copies ${plans.length ? plans.join(', ') : 'no plan'}`,
  });
  return plans;
}

/** A remote's own settings after a change: push after each backup or only by hand, and a plan's retention there. */
export interface RemoteSettings {
  name: string;
  autoPush: boolean;
  /** The plan's count rules on the remote, when a plan was named (until set, its local rules). */
  retention: { plan: string; rules: Retention } | null;
}

/**
 * Sets whether the remote is pushed after each backup, and (with a plan) some of that plan's retention counts
 * on the remote; what is not given stays as it was.
 */
export function setRemoteSettings(
  d: OpsDeps,
  name: string,
  o: { autoPush?: boolean; plan?: string; keeps?: Partial<DriveCounts> },
): RemoteSettings {
  const row = getRemote(d.db, name);
  const keeps = Object.entries(o.keeps ?? {}).filter(([, v]) => v !== undefined);
  if (keeps.length && !o.plan)
    throw new CairnError('usage', 'Retention on a remote is per plan: name it with --plan PLAN.');
  const plan = o.plan === undefined ? null : getPlan(d.db, o.plan);
  if (plan && !remotePlanIds(d.db, row).includes(plan.id))
    throw new CairnError(
      'usage',
      `Remote ${name} does not copy plan ${plan.name}; attach it with: cairn remote plan ${name} --add ${plan.name}.`,
    );
  let rules: Retention | null = null;
  d.db.transaction(() => {
    // Drive's own setting (cairn drive, the Drive page) is the one its pushes follow.
    if (o.autoPush !== undefined && row.kind === 'drive')
      setDriveSetting(d.db, DRIVE_SETTING_KEYS.autoPush, o.autoPush);
    else if (o.autoPush !== undefined) setAutoPush(d.db, row.id, o.autoPush);
    if (plan) rules = editDrivePolicy(d.db, row.id, plan, driveSettings(d.db).machine, o.keeps ?? {});
  })();
  logActivity(d.db, {
    at: d.now(),
    planId: plan?.id,
    kind: 'settings',
    actor: d.actor,
    message: `Remote ${name} settings changed`,
    details: { autoPush: o.autoPush, ...o.keeps },
  });
  return {
    name,
    autoPush: row.kind === 'drive' ? driveSettings(d.db).autoPush : getRemote(d.db, name).autoPush,
    retention: plan && rules ? { plan: plan.name, rules } : null,
  };
}
