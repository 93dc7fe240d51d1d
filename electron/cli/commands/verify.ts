import type { Command } from 'commander';
import { resolveBackup } from '../../engine/catalog/backups';
import { CairnError } from '../../engine/errors';
import { verifyOp } from '../../engine/app/ops/verify';
import { verifyTargets, type VerifyRunResult } from '../../engine/verify/run';
import { intOption, type CliContext } from '../context';
import { formatBytes, formatCount, formatDuration } from '../format';
import { progressLine } from '../progress';
import { databaseRestoreTests, testProblems, testText } from './dbsource';
import { runDriveVerify } from './driveMaintain';

interface VerifyOpts {
  all?: boolean;
  sample?: number;
  maxAgeHours?: number;
  drive?: boolean;
  restoreTest?: boolean;
}

function text(v: VerifyRunResult): string {
  return v.results
    .map(
      (r) =>
        `${r.planName}/${r.stamp}: ${r.result} — ${formatCount(r.files)} files, ${formatCount(r.hashedFiles)} read (${formatBytes(r.hashedBytes)})` +
        (r.sharedFiles ? `, ${formatCount(r.sharedFiles)} hard-linked ones already read` : '') +
        `, ${formatDuration(r.durationMs)}`,
    )
    .join('\n');
}

/** Damage, paths a restore test could not bring back, stale plans and an empty catalog: for stderr. */
function problemLines(v: VerifyRunResult): string[] {
  const lines: string[] = [];
  if (v.results.length === 0)
    lines.push('Nothing to verify: there are no backups yet. Make one with: cairn backup');
  for (const r of v.results) {
    const name = `${r.planName}/${r.stamp}`;
    for (const f of r.restoreTest?.failures.slice(0, 50) ?? [])
      lines.push(`  ${name}: NOT RESTORED: ${f.path}: ${f.message}`);
    for (const p of r.problems.slice(0, 50))
      lines.push(`  ${name}: ${p.problem.toUpperCase()}: ${p.path || '(backup folder)'}: ${p.detail}`);
    const n = r.missing + r.changed + r.extra;
    if (n > 50) lines.push(`  ${name}: ... and ${formatCount(n - 50)} more; see --json for the first 1,000`);
  }
  for (const s of v.stale)
    lines.push(
      s.stamp
        ? `STALE: the newest backup of ${s.planName} (${s.stamp}) is ${Math.round(s.ageHours!)} hours old.`
        : `STALE: plan ${s.planName} has no backup yet.`,
    );
  return lines;
}

export function registerVerify(program: Command, ctx: () => CliContext): void {
  program
    .command('verify [backup]')
    .description(
      're-read backups against their manifests (the newest of each plan unless BACKUP or --all); exit 0 intact, 1 damage found, 2 nothing to verify or too old',
    )
    .option('--all', 'every backup of every plan (of the plan when BACKUP names one)')
    .option(
      '--sample <percent>',
      'read only this percent of the files, chosen at random (all are checked for presence and size)',
      intOption('--sample'),
    )
    .option(
      '--max-age-hours <n>',
      'also fail (exit 2) when the newest backup is older than this',
      intOption('--max-age-hours'),
    )
    .option('--drive', 'check the Drive copy instead: every pack there with its checksum, a sample read back')
    .option(
      '--restore-test',
      'also restore each backup (or the --sample of its files) into a temporary folder, checking every file',
    )
    .action(async (ref: string | undefined, o: VerifyOpts) => {
      const c = ctx();
      if (o.drive) return runDriveVerify(c, ref, o.sample);
      const db = c.catalog();
      if (o.sample !== undefined && (o.sample < 1 || o.sample > 100))
        throw new CairnError('usage', '--sample takes a percent from 1 to 100.');
      const target = ref ? resolveBackup(db, ref) : undefined;
      const named = ref !== undefined && !ref.includes('/') && target?.plan.name === ref;
      const targets = verifyTargets(db, {
        one: o.all && named ? undefined : target,
        all: o.all,
        planId: named ? target!.plan.id : undefined,
      });
      const line = progressLine();
      const started = Date.now();
      try {
        const v = await verifyOp(c.ops(), targets, {
          sample: o.sample,
          maxAgeHours: o.maxAgeHours,
          restoreTest: o.restoreTest,
          onProgress: (r, p) =>
            line.update(
              { files: r.files, bytes: r.hashedBytes, currentPath: p, startedAt: started },
              'checked',
            ),
        });
        line.done();
        // Database sources: each dump restored into a scratch database or file (dbsource/restoreTest.ts).
        const dbs = o.restoreTest ? await databaseRestoreTests(c, ref) : null;
        c.exitCode = Math.max(v.exitCode, dbs?.exitCode === 1 ? 1 : 0);
        c.out(
          dbs ? { ...v, databases: dbs.results } : v,
          (x) => [text(x), dbs?.results.length ? testText(dbs) : ''].filter(Boolean).join('\n'),
          (x) => [...problemLines(x), ...(dbs?.results.length ? testProblems(dbs) : [])],
        );
      } finally {
        line.done();
      }
    });
}
