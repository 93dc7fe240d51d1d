// Every remote as `cairn remote list` and the off-site view show it: Drive first, then each S3 bucket and
// rclone remote, with its state per plan, from the catalog alone (no network).
import { remoteStates, type RemoteState } from '../../remotes/ops';
import { listRemotes, remoteSecretKey, type RemoteRow } from '../../remotes/registry';
import type { OpsDeps } from './deps';
import { remoteWhere } from './remotes';

export interface RemoteListItem extends Omit<RemoteState, 'label'> {
  where: string;
  credentials: string;
}

/** Where a remote's credentials live, in words. */
async function credentialsOf(d: OpsDeps, row: RemoteRow): Promise<string> {
  if (row.kind === 'drive') return 'the Google sign-in, in the secret store';
  if (row.kind === 'rclone') {
    const file = (row.config as { configFile: string | null }).configFile;
    return `rclone's config (${file ?? "rclone's default file"})`;
  }
  return (await d.secrets.get(remoteSecretKey(row.name)))
    ? 'keys in the secret store'
    : "the AWS SDK's own (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ~/.aws)";
}

/** The remotes with their state, Drive first. */
export async function listRemoteItems(d: OpsDeps): Promise<RemoteListItem[]> {
  const states = await remoteStates({ db: d.db, secrets: d.secrets, env: d.drive?.env, now: d.now });
  const byName = new Map(states.map((s) => [s.name, s]));
  const out: RemoteListItem[] = [];
  for (const row of listRemotes(d.db)) {
    const s = byName.get(row.name);
    if (!s) continue;
    const { label: _label, ...rest } = s;
    out.push({ ...rest, where: remoteWhere(row), credentials: await credentialsOf(d, row) });
  }
  return out;
}
