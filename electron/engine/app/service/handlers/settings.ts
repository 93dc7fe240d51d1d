import { getPlan } from '../../../catalog/plans';
import type { HandlerGroup } from '../context';
import { unavailable } from '../errors';
import { activityPage } from '../queries';
import { keepUrlSecrets } from '../notifyUrls';
import { readSettings, writeSettings } from '../settingsStore';
import { collectStatus } from '../statusView';

/** Settings, the activity log, notifications test and the status. */
export const settingsHandlers: HandlerGroup<
  'settingsGet' | 'settingsSet' | 'notifyTest' | 'activityList' | 'status'
> = {
  settingsGet: (_i, c) => readSettings(c.db),
  settingsSet: async (i, c) => {
    // An address with credentials goes whole to the secret store; the one shown (redacted) keeps it.
    const n =
      i.notifications && (await keepUrlSecrets(c.secrets, i.notifications, readSettings(c.db).notifications));
    const s = writeSettings(c.db, n ? { ...i, notifications: n } : i, c.now(), c.actor);
    c.changed();
    return s;
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
