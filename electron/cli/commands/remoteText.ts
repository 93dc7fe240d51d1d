// What `cairn remote` prints: the added remote and what its store holds, the table of remotes, each
// plan's last error, and what removing a remote forgets.
import type { RemoteListItem } from '../../engine/app/ops/remoteList';
import type { RemoteForgotten, RemoteReach, RemoteSettings } from '../../engine/app/ops/remotes';
import type { RemoteRow } from '../../engine/remotes/registry';
import { waitingMessage } from '../../engine/drive/index';
import { formatBytes, formatWhen, table } from '../format';
import { copyKeepsText } from './keeps';

/** The remote added, where, which plans, and what its store holds (a store not reached is said on stderr). */
export function addText(v: {
  remote: RemoteRow;
  where: string;
  plans: string[];
  reach: RemoteReach;
}): string {
  return (
    `Remote ${v.remote.name} added: ${v.where}, ` +
    (v.plans.length
      ? `copying ${v.plans.join(', ')}.`
      : `no plan yet (import from it, or attach one: cairn remote plan ${v.remote.name} --add PLAN).`) +
    (v.reach.reachable ? `\n${v.reach.message}` : '')
  );
}

const when = (ms: number | null, now: number) => (ms ? formatWhen(ms, now) : 'never');
const STATE_WORD = { ok: 'ok', error: 'error', waiting: 'waiting', never: 'never', off: 'not connected' };

/** The remotes as a table: NAME KIND WHERE PLANS STATE LAST PUSH WAITING, Drive first. */
export function listText(rs: RemoteListItem[], now: number): string {
  return table([
    ['NAME', 'KIND', 'WHERE', 'PLANS', 'STATE', 'LAST PUSH', 'WAITING'],
    ...rs.map((r) => {
      const last = Math.max(0, ...r.plans.map((p) => p.lastPushAt ?? 0));
      return [
        r.name,
        r.kind,
        r.where,
        r.plans.map((p) => p.plan).join(',') || '-',
        STATE_WORD[r.state] + (r.autoPush ? '' : ' (by hand)'),
        when(last || null, now),
        r.state === 'off' ? '-' : formatBytes(r.plans.reduce((n, p) => n + p.bytesWaiting, 0)),
      ];
    }),
  ]);
}

/** Each plan's last error, for stderr. */
export function listProblems(rs: RemoteListItem[], now: number): string[] {
  return rs.flatMap((r) =>
    r.plans.flatMap((p) =>
      p.error
        ? [`${r.name} ${p.plan}: ${p.error.message} (${when(p.error.at, now)})`]
        : p.resumesAt
          ? [`${r.name} ${p.plan}: ${waitingMessage('daily', p.resumesAt)}`]
          : [],
    ),
  );
}

/** What removing a remote forgets (a preview) or forgot; nothing on the store is deleted either way. */
export function forgottenText(v: RemoteForgotten, done: boolean): string {
  const what =
    `the catalog's record of ${v.backups} backup(s) and ${v.packs} pack(s) on ${v.where}` +
    (v.plans.length ? ` (plans ${v.plans.join(', ')})` : '') +
    (v.keys ? ' and its S3 keys in the secret store' : '');
  return done
    ? `Remote ${v.name} removed: Cairn forgot ${what}. Nothing on the store was deleted.`
    : `Removing remote ${v.name} would forget ${what}; nothing on the store is deleted.`;
}

/** "Remote nas: pushed after each backup. Plan home there keeps: the newest 3, 7 daily…". */
export function settingsText(v: RemoteSettings): string {
  const push = v.autoPush ? 'pushed after each backup' : 'pushed only by hand (cairn remote push)';
  if (!v.retention) return `Remote ${v.name}: ${push}.`;
  const rules = copyKeepsText(v.retention.rules);
  return `Remote ${v.name}: ${push}. Plan ${v.retention.plan} there keeps ${rules}.`;
}
