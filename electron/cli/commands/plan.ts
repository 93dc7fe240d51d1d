import type { Command } from 'commander';
import { logActivity } from '../../engine/catalog/activity';
import type { Plan, Retention } from '../../engine/catalog/plans';
import { drivePolicy, editDrivePolicy } from '../../engine/drive/pack/policy';
import { copyKeepOptions, copyKeepsGiven } from './keeps';
import { driveSettings } from '../../engine/drive/pack/settings';
import { driveCopy, findDrivePlan } from '../../engine/drive/pack/store';
import { findPlan, listPlans } from '../../engine/catalog/plans';
import { dbSourceViews } from '../../engine/dbsource/store';
import { CairnError } from '../../engine/errors';
import { createPlan, editPlan, removePlan } from '../../engine/plans/planOps';
import { collect, intOption, type CliContext } from '../context';
import { table } from '../format';
import { dbSourceLines } from './dbsource';
import { DRIVE_REMOTE_ID } from '../../engine/remotes/registry';

interface PlanOpts {
  dest?: string;
  source?: string[];
  exclude?: string[];
  defaultExcludes?: boolean;
  schedule?: string;
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: number;
  keepNoted?: number;
  staleHours?: number;
  autoPrune?: boolean;
  name?: string;
}

function planOptions(cmd: Command, edit: boolean): Command {
  return cmd
    .option('--dest <dir>', 'the folder that receives the dated backups')
    .option(
      '--source <dir>',
      edit ? 'a folder to back up (repeat; replaces the list)' : 'a folder to back up (repeat for more)',
      collect,
    )
    .option(
      '--exclude <pattern>',
      edit
        ? '.gitignore-style pattern (repeat; replaces the list)'
        : '.gitignore-style pattern to leave out (repeat)',
      collect,
    )
    .option('--schedule <cron>', 'when to back up, as cron (default "0 2 * * *", daily at 02:00)')
    .option('--keep-last <n>', 'keep the newest N backups', intOption('--keep-last'))
    .option(
      '--keep-daily <n>',
      'keep the newest backup of each of the last N days (default 7)',
      intOption('--keep-daily'),
    )
    .option('--keep-weekly <n>', 'keep one backup a week for N weeks (default 4)', intOption('--keep-weekly'))
    .option(
      '--keep-monthly <n>',
      'keep one backup a month for N months (default 12)',
      intOption('--keep-monthly'),
    )
    .option('--keep-yearly <n>', 'keep one backup a year for N years (default 0)', intOption('--keep-yearly'))
    .option(
      '--keep-within <duration>',
      'keep every backup made in the last DURATION, in hours or days: 24h, 2d (default 24h; 0 turns it off)',
      hoursOption,
    )
    .option(
      '--keep-noted <days>',
      'keep a backup made by hand with a note (cairn backup --note) for N days (default 30; 0 turns it off)',
      intOption('--keep-noted'),
    )
    .option(
      '--stale-hours <n>',
      'warn when the last good backup is older than N hours (default 26)',
      intOption('--stale-hours'),
    )
    .option('--auto-prune', 'apply the retention after each backup (the default)')
    .option('--no-auto-prune', 'keep every backup until you run cairn prune');
}

interface DriveKeepOpts {
  driveKeepLast?: number;
  driveKeepDaily?: number;
  driveKeepWeekly?: number;
  driveKeepMonthly?: number;
  driveKeepYearly?: number;
}

/** --drive-keep-*: the plan's own Drive retention (until set, Drive follows the local --keep-* rules). */
function driveKeepOptions(cmd: Command): Command {
  return copyKeepOptions(
    cmd,
    '--drive-keep',
    (what, rule) => `on Google Drive, keep ${what} (default: as --keep-${rule})`,
  );
}

/** Applies the --drive-keep-* options given; the Drive count rules after, or null when the plan has no Drive copy. */
function editDriveKeeps(c: CliContext, p: Plan, o: DriveKeepOpts): Retention | null {
  const db = c.catalog();
  const patch = copyKeepsGiven(o, (k) => `drive${k[0]!.toUpperCase()}${k.slice(1)}`);
  if (Object.keys(patch).length === 0)
    return findDrivePlan(db, driveCopy(p.id)) ? drivePolicy(db, DRIVE_REMOTE_ID, p) : null;
  const r = editDrivePolicy(db, DRIVE_REMOTE_ID, p, driveSettings(db).machine, patch);
  logActivity(db, {
    at: c.now(),
    planId: p.id,
    kind: 'settings',
    actor: 'cli',
    message: `Drive retention of ${p.name} changed`,
    details: patch,
  });
  return r;
}

/** "24h", "2d", "36h": a number of hours or days (a bare number is hours). */
function hoursOption(v: string): number {
  const m = /^(\d+)\s*([hd]?)$/.exec(v.trim());
  if (!m) throw new CairnError('usage', `--keep-within takes hours or days, like 24h or 2d (got "${v}").`);
  return Number(m[1]) * (m[2] === 'd' ? 24 : 1);
}

/** What a plan keeps, in words. */
function keepsText(p: Plan): string {
  const within = p.keepWithinHours > 0 ? `every backup of the last ${p.keepWithinHours}h; ` : '';
  const noted = p.keepNotedDays > 0 ? `; made by hand with a note ${p.keepNotedDays} days` : '';
  const when = p.autoPrune ? '; pruned after each backup' : '; pruned only by cairn prune';
  return `${within}last ${p.keepLast}, daily ${p.keepDaily}, weekly ${p.keepWeekly}, monthly ${p.keepMonthly}, yearly ${p.keepYearly}${noted}; pinned backups always${when}`;
}

/** Plain text description of a plan (with its Drive count rules when it has a Drive copy). */
export function describePlan(p: Plan, drive?: Retention | null): string {
  return [
    `Plan ${p.name}`,
    `  backs up to  ${p.dest}/${p.name}/`,
    ...p.sources.map((s) => `  source       ${s.path}  (as ${s.label}/)`),
    `  schedule     ${p.schedule}`,
    `  keeps        ${keepsText(p)}`,
    ...(drive
      ? [
          `  on Drive     last ${drive.keepLast}, daily ${drive.keepDaily}, weekly ${drive.keepWeekly}, ` +
            `monthly ${drive.keepMonthly}, yearly ${drive.keepYearly} (cairn drive prune applies it)`,
        ]
      : []),
    `  stale after  ${p.staleHours} hours`,
    `  leaves out   ${p.excludes.length ? p.excludes.join('  ') : '(nothing)'}`,
  ].join('\n');
}

export function registerPlan(program: Command, ctx: () => CliContext): void {
  const plan = program.command('plan').description('create, list, show, change and remove backup plans');

  planOptions(plan.command('add <name>').description('create a plan: which folders, where to, when'), false)
    .option('--no-default-excludes', 'do not add the default excludes (caches, trash, temporary files)')
    .action((name: string, o: PlanOpts) => {
      const c = ctx();
      const p = createPlan(
        c.catalog(),
        {
          name,
          dest: o.dest ?? missing('--dest DIR'),
          sources: o.source ?? missing('--source DIR'),
          excludes: o.exclude,
          defaultExcludes: o.defaultExcludes,
          schedule: o.schedule,
          keepLast: o.keepLast,
          keepDaily: o.keepDaily,
          keepWeekly: o.keepWeekly,
          keepMonthly: o.keepMonthly,
          keepYearly: o.keepYearly,
          keepWithinHours: o.keepWithin,
          keepNotedDays: o.keepNoted,
          staleHours: o.staleHours,
          autoPrune: o.autoPrune,
        },
        c.now(),
        'cli',
      );
      c.out(p, (v) => `${describePlan(v)}\n\nBack it up now with: cairn backup ${v.name}`);
    });

  plan
    .command('list')
    .description('list the plans')
    .action(() => {
      const c = ctx();
      c.out(listPlans(c.catalog()), (ps) =>
        ps.length
          ? table([
              ['PLAN', 'DESTINATION', 'SOURCES', 'SCHEDULE'],
              ...ps.map((p) => [p.name, p.dest, p.sources.map((s) => s.path).join(', '), p.schedule]),
            ])
          : 'No plans yet. Create one with: cairn plan add NAME --source DIR --dest DIR',
      );
    });

  plan
    .command('show <name>')
    .description('show one plan, its excludes included')
    .action((name: string) => {
      const c = ctx();
      const p = findPlan(c.catalog(), name);
      if (!p) throw notFound(name);
      const dbs = dbSourceViews(c.catalog(), p.id);
      const drive = findDrivePlan(c.catalog(), driveCopy(p.id))
        ? drivePolicy(c.catalog(), DRIVE_REMOTE_ID, p)
        : null;
      c.out({ ...p, databases: dbs, drive }, (v) =>
        [describePlan(v, v.drive), ...dbSourceLines(dbs)].join('\n'),
      );
    });

  driveKeepOptions(
    planOptions(
      plan.command('edit <name>').description('change a plan (only the options given change)'),
      true,
    ),
  )
    .option('--rename <new>', 'give the plan a new name')
    .action((name: string, o: PlanOpts & DriveKeepOpts & { rename?: string }) => {
      const c = ctx();
      const p = editPlan(
        c.catalog(),
        name,
        {
          name: o.rename,
          dest: o.dest,
          sources: o.source,
          excludes: o.exclude,
          schedule: o.schedule,
          keepLast: o.keepLast,
          keepDaily: o.keepDaily,
          keepWeekly: o.keepWeekly,
          keepMonthly: o.keepMonthly,
          keepYearly: o.keepYearly,
          keepWithinHours: o.keepWithin,
          keepNotedDays: o.keepNoted,
          staleHours: o.staleHours,
          autoPrune: o.autoPrune,
        },
        c.now(),
        'cli',
      );
      const drive = editDriveKeeps(c, p, o);
      c.out({ ...p, drive }, (v) => describePlan(v, v.drive));
    });

  plan
    .command('remove <name>')
    .description('forget a plan (its backup folders stay on disk)')
    .action((name: string) => {
      const c = ctx();
      const p = removePlan(c.catalog(), name, c.now(), 'cli');
      c.out(
        { removed: p.name, backupsKeptIn: `${p.dest}/${p.name}` },
        (v) => `Removed plan ${v.removed}; its backups stay in ${v.backupsKeptIn}.`,
      );
    });
}

function missing(what: string): never {
  throw new CairnError('usage', `plan add needs ${what}.`);
}

function notFound(name: string): CairnError {
  return new CairnError('not-found', `There is no plan named "${name}"; see: cairn plan list.`);
}
