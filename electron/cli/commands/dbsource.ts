import type { Command } from 'commander';
import fs from 'node:fs';
import { resolveBackup } from '../../engine/catalog/backups';
import type { Db } from '../../engine/catalog/db';
import { getPlan, listPlans } from '../../engine/catalog/plans';
import { addDbSource, probeDbSource, removeDbSource, setDbPassword } from '../../engine/dbsource/ops';
import { restoreDatabase } from '../../engine/restore/database';
import { testDatabaseRestores, type DbTestRun } from '../../engine/dbsource/restoreTest';
import { dbSourceViews, type DbFormat, type DbSourceView } from '../../engine/dbsource/store';
import { CairnError } from '../../engine/errors';
import type { CliContext } from '../context';
import { formatBytes, formatDuration, table } from '../format';
import { problem } from '../streams';

/** The environment variable a password may come from instead of --password-stdin. */
export const PASSWORD_ENV = 'CAIRN_DB_PASSWORD';

function readPassword(stdin: boolean | undefined): string | null {
  if (stdin) {
    const p = fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '');
    if (!p) throw new CairnError('usage', '--password-stdin read an empty password.');
    return p;
  }
  return process.env[PASSWORD_ENV] || null;
}

const when = (ms: number) => new Date(ms).toLocaleString();

/** One line per database source: where, size, last dump, last test restore. */
export function dbSourceLines(views: DbSourceView[]): string[] {
  return views.map((v) => {
    const dump = v.lastDump;
    const good = v.lastGoodDump;
    const test = v.lastRestoreTest;
    return (
      `  database     ${v.label}: ${v.kind} ${v.location} (${v.format})` +
      `\n                 last dump ${good ? `${when(good.at)}, ${formatBytes(good.bytes ?? 0)}` : 'never'}` +
      (dump && !dump.ok ? `; the latest attempt FAILED: ${dump.message}` : '') +
      `\n                 last test restore ${test ? `${when(test.at)}: ${test.ok ? 'passed' : `FAILED: ${test.detail}`}` : 'never (cairn verify --restore-test)'}`
    );
  });
}

function listText(rows: { plan: string; views: DbSourceView[] }[]): string {
  const all = rows.flatMap((r) => r.views.map((v) => ({ plan: r.plan, v })));
  if (all.length === 0)
    return 'No database sources yet. Add one with: cairn dbsource add PLAN --postgres URL (or --sqlite FILE)';
  return table([
    ['PLAN', 'LABEL', 'KIND', 'SIZE', 'LAST DUMP', 'LAST TEST RESTORE'],
    ...all.map(({ plan, v }) => [
      plan,
      v.label,
      v.kind,
      v.lastGoodDump?.bytes != null ? formatBytes(v.lastGoodDump.bytes) : '-',
      v.lastDump && !v.lastDump.ok
        ? `FAILED ${when(v.lastDump.at)}`
        : v.lastGoodDump
          ? when(v.lastGoodDump.at)
          : 'never',
      v.lastRestoreTest
        ? `${v.lastRestoreTest.ok ? 'passed' : 'FAILED'} ${when(v.lastRestoreTest.at)}`
        : 'never',
    ]),
  ]);
}

const testLine = (x: DbTestRun['results'][number]) =>
  `${x.planName}/${x.stamp ?? '(no backup)'} ${x.label}: ${x.ok ? 'passed' : 'FAILED'}: ${x.detail} (${formatDuration(x.durationMs)})`;

/** Text of a test-restore run, one line per database that passed. */
export function testText(r: DbTestRun): string {
  return r.results
    .filter((x) => x.ok)
    .map(testLine)
    .join('\n');
}

/** The databases whose test restore failed, or that there was nothing to test: for stderr. */
export function testProblems(r: DbTestRun): string[] {
  if (r.results.length === 0)
    return [
      'Nothing to test: no plan has a database source. Add one with: cairn dbsource add PLAN --postgres URL',
    ];
  return r.results.filter((x) => !x.ok).map(testLine);
}

/** Test-restores the databases of BACKUP (PLAN/STAMP), of a plan's newest backup, or of every plan's. */
export function databaseRestoreTests(c: CliContext, ref: string | undefined): Promise<DbTestRun> {
  const db = c.catalog();
  const target = ref ? resolveBackup(db, ref) : undefined;
  return testDatabaseRestores(db, {
    planId: target?.plan.id,
    backup: ref?.includes('/') ? target?.backup : undefined,
    secrets: c.secrets(),
    now: () => c.now(),
    actor: 'cli',
    admit: c.ops().jobs.admitFor('cli'),
  });
}

/** `cairn dbsource test`: exit 0 all passed, 1 one failed, 2 nothing to test. */
async function runRestoreTest(c: CliContext, ref: string | undefined): Promise<void> {
  const r = await databaseRestoreTests(c, ref);
  c.exitCode = r.exitCode;
  c.out(r, testText, testProblems);
}

function views(db: Db, plan?: string) {
  const plans = plan ? [getPlan(db, plan)] : listPlans(db);
  return plans.map((p) => ({ plan: p.name, views: dbSourceViews(db, p.id) }));
}

export function registerDbSource(program: Command, ctx: () => CliContext): void {
  const cmd = program
    .command('dbsource')
    .description('databases a plan dumps before each backup: PostgreSQL (pg_dump) and SQLite files');

  cmd
    .command('add <plan>')
    .description(`add a database to a plan; a password comes from --password-stdin or $${PASSWORD_ENV}`)
    .option('--postgres <url>', 'a PostgreSQL database: postgresql://USER@HOST:PORT/DATABASE')
    .option('--sqlite <file>', 'a SQLite database file')
    .option('--label <name>', 'its folder name in the backups (default: the database or file name)')
    .option('--format <format>', 'postgres: custom (default) or sql.gz; sqlite: backup (default) or vacuum')
    .option('--password-stdin', 'read the PostgreSQL password from standard input')
    .action(
      async (
        planName: string,
        o: { postgres?: string; sqlite?: string; label?: string; format?: string; passwordStdin?: boolean },
      ) => {
        const c = ctx();
        if (!o.postgres === !o.sqlite)
          throw new CairnError('usage', 'Say which database: --postgres URL or --sqlite FILE.');
        const db = c.catalog();
        const s = await addDbSource(
          db,
          getPlan(db, planName),
          {
            kind: o.postgres ? 'postgres' : 'sqlite',
            location: (o.postgres ?? o.sqlite)!,
            label: o.label,
            format: o.format as DbFormat | undefined,
            password: o.postgres ? readPassword(o.passwordStdin) : null,
          },
          c.secrets(),
          c.now(),
          'cli',
        );
        // Told now rather than at tonight's backup: the source is kept either way (the server may be down).
        const unreachable = await probeDbSource(s, c.secrets());
        if (unreachable) problem(`warning: ${unreachable}`);
        c.out(
          { ...s, connection: unreachable ?? 'ok' },
          (v) =>
            `Added ${v.kind} database ${v.location} to plan ${planName} as ${v.label}/; it is dumped at each backup.`,
        );
      },
    );

  cmd
    .command('list [plan]')
    .description('the database sources, with size, last dump and last test restore')
    .action((plan: string | undefined) => {
      const c = ctx();
      c.out(views(c.catalog(), plan), listText);
    });

  cmd
    .command('password <plan> <label>')
    .description(`set a PostgreSQL source's password (from --password-stdin or $${PASSWORD_ENV})`)
    .option('--password-stdin', 'read the password from standard input')
    .option('--clear', 'forget the password (use ~/.pgpass or trust instead)')
    .action(async (planName: string, label: string, o: { passwordStdin?: boolean; clear?: boolean }) => {
      const c = ctx();
      const db = c.catalog();
      const pw = o.clear ? null : readPassword(o.passwordStdin);
      if (!o.clear && !pw)
        throw new CairnError(
          'usage',
          `Give the password with --password-stdin or $${PASSWORD_ENV}, or use --clear.`,
        );
      await setDbPassword(db, getPlan(db, planName), label, pw, c.secrets(), c.now(), 'cli');
      c.out({ label, password: pw ? 'set' : 'cleared' }, (v) => `Password of ${v.label} ${v.password}.`);
    });

  cmd
    .command('remove <plan> <label>')
    .description('stop dumping a database (its dumps stay in the backups)')
    .action(async (planName: string, label: string) => {
      const c = ctx();
      const db = c.catalog();
      const s = await removeDbSource(db, getPlan(db, planName), label, c.secrets(), c.now(), 'cli');
      c.out(
        { removed: s.label },
        (v) => `Removed database source ${v.removed}; its dumps stay in the backups.`,
      );
    });

  cmd
    .command('restore <backup> <label>')
    .description('restore a database of a backup: PostgreSQL --to-database NAME, SQLite --to-file PATH')
    .option('--to-database <name>', 'PostgreSQL: the database to create and restore into')
    .option('--url <url>', "PostgreSQL: another server to restore to (default: the source's server)")
    .option('--to-file <path>', 'SQLite: the file to restore to')
    .option('--force', 'replace an existing database or file (what is there is saved first)')
    .action(
      async (
        ref: string,
        label: string,
        o: { toDatabase?: string; url?: string; toFile?: string; force?: boolean },
      ) => {
        const c = ctx();
        const db = c.catalog();
        const { plan, backup } = resolveBackup(db, ref);
        const r = await restoreDatabase({
          db,
          plan,
          backup,
          label,
          toDatabase: o.toDatabase,
          url: o.url,
          toFile: o.toFile,
          force: o.force,
          secrets: c.secrets(),
          now: () => c.now(),
          actor: 'cli',
        });
        c.out(
          r,
          (v) =>
            `Restored ${v.label} of ${v.backup} to ${v.target} (dump checked against the manifest, ${formatBytes(v.bytes)}).` +
            (v.savedBefore ? `\n  What was there before is saved in ${v.savedBefore}.` : ''),
        );
      },
    );

  cmd
    .command('test [backup]')
    .description(
      'test-restore each database of the newest backup into a scratch database or file (as verify --restore-test)',
    )
    .action((ref: string | undefined) => runRestoreTest(ctx(), ref));
}
