import { getPlan } from '../../../catalog/plans';
import type { HandlerGroup, ServiceContext } from '../context';
import { unavailable } from '../errors';
import { activityPage } from '../queries';
import { keepUrlSecrets } from '../notifyUrls';
import { readSettings, writeSettings, type SettingsValue } from '../settingsStore';
import { collectStatus } from '../statusView';

/** Where the service starts Cairn at login, the OS is the truth, said in a sentence. */
function withLoginItem(s: SettingsValue, c: ServiceContext): SettingsValue {
  const item = c.loginItem;
  if (!item) return s;
  return {
    ...s,
    startAtLogin: item.get(),
    startAtLoginNote: item.note(),
    startAtLoginSupported: item.supported,
  };
}

/** Settings, the activity log, notifications test and the status. */
export const settingsHandlers: HandlerGroup<
  'settingsGet' | 'settingsSet' | 'notifyTest' | 'activityList' | 'status'
> = {
  settingsGet: (_i, c) => withLoginItem(readSettings(c.db), c),
  settingsSet: async (i, c) => {
    // Under `cairn serve` the file that starts it at login is written (or removed) first: a refusal changes nothing.
    if (i.startAtLogin !== undefined && c.loginItem) c.loginItem.set(i.startAtLogin);
    // An address with credentials goes whole to the secret store; the one shown (redacted) keeps it.
    const n =
      i.notifications && (await keepUrlSecrets(c.secrets, i.notifications, readSettings(c.db).notifications));
    const s = writeSettings(c.db, n ? { ...i, notifications: n } : i, c.now(), c.actor);
    c.changed();
    return withLoginItem(s, c);
  },
  notifyTest: async (_i, c) => {
    if (!c.notifyTest) throw unavailable('Sending notifications outside the app or `cairn serve`');
    return c.notifyTest();
  },
  activityList: (i, c) => {
    const planId = i.plan ? getPlan(c.db, i.plan).id : undefined;
    const limit = i.limit ?? 200;
    const rows = activityPage(c.db, {
      planId,
      kind: i.kind,
      level: i.level,
      since: i.since,
      beforeId: i.beforeId,
      backupId: i.backupId,
      limit: limit + 1,
    });
    const entries = rows.slice(0, limit);
    return { entries, nextBeforeId: rows.length > limit ? entries.at(-1)!.id : null };
  },
  status: (_i, c) => collectStatus(c),
};
