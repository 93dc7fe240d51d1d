import type { ParsedInput } from '../../../../../shared/contract';
import { getPlan } from '../../../catalog/plans';
import { addDbSource, probeDbSource, removeDbSource, type DbSourceInput } from '../../../dbsource/ops';
import { postgresUrl } from '../../../dbsource/pgTools';
import { testDatabaseRestores } from '../../../dbsource/restoreTest';
import { dbSourceViews, getDbSource } from '../../../dbsource/store';
import { CairnError } from '../../../errors';
import type { HandlerGroup } from '../context';
import { browseFolders } from '../folderBrowse';

/** The engine's input for a source the UI describes: a connection URL or its fields, or a SQLite file. */
export function dbSourceInput(i: ParsedInput<'dbSourceAdd'>): DbSourceInput {
  const common = { label: i.label, format: i.format };
  if (i.kind === 'sqlite') return { ...common, kind: 'sqlite', location: i.file };
  const fields = i.host !== undefined || i.database !== undefined || i.user !== undefined;
  if (!i.url === !fields)
    throw new CairnError(
      'usage',
      'Give either a connection string (postgresql://USER@HOST:PORT/DATABASE) or the host, database and user.',
    );
  const location =
    i.url ??
    postgresUrl({ host: i.host ?? '', port: i.port, database: i.database ?? '', user: i.user ?? '' });
  return { ...common, kind: 'postgres', location, password: i.password ?? null };
}

/** Database sources added, removed and test-restored (as `cairn dbsource`), and the folder browser. */
export const sourceHandlers: HandlerGroup<
  'dbSourceAdd' | 'dbSourceRemove' | 'dbSourceTest' | 'folderBrowse'
> = {
  dbSourceAdd: async (i, c) => {
    const plan = getPlan(c.db, i.plan);
    const s = await addDbSource(c.db, plan, dbSourceInput(i), c.secrets, c.now(), c.actor);
    c.changed();
    const connection = await probeDbSource(s, c.secrets);
    return { source: dbSourceViews(c.db, plan.id).find((v) => v.id === s.id)!, connection };
  },
  dbSourceRemove: async (i, c) => {
    const s = await removeDbSource(c.db, getPlan(c.db, i.plan), i.label, c.secrets, c.now(), c.actor);
    c.changed();
    return { removed: s.label };
  },
  dbSourceTest: async (i, c) => {
    const plan = getPlan(c.db, i.plan);
    if (i.label !== undefined) getDbSource(c.db, plan.id, i.label); // refuses an unknown label, naming the known
    const r = await testDatabaseRestores(c.db, {
      planId: plan.id,
      label: i.label,
      secrets: c.secrets,
      now: c.now,
      actor: c.actor,
      admit: c.jobs.admitFor(c.actor),
    });
    if (r.results.length === 0)
      throw new CairnError('not-found', `Plan ${plan.name} has no database source to test yet.`);
    return r;
  },
  folderBrowse: (i) => browseFolders({ path: i.path, hidden: i.hidden }),
};
