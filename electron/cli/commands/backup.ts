import type { Command } from 'commander';
import { getPlan, listPlans, type Plan } from '../../engine/catalog/plans';
import { backupExitCode, type BackupOutcome } from '../../engine/backup/run';
import { CairnError } from '../../engine/errors';
import type { CliContext } from '../context';
import { formatBytes, formatCount, formatDuration } from '../format';
import { backupProgress, progressLine } from '../progress';
import { problem } from '../streams';
import type { AfterBackupReport } from '../../engine/app/afterBackup';
import { backupOp } from '../../engine/app/ops/backup';
import { describeError } from '../../engine/errors';

function summary(o: BackupOutcome): string {
  const b = o.backup;
  const lines = [
    `Backup ${b.planName}/${b.stamp} ${b.status === 'complete' ? 'completed' : `completed with ${b.warnings} warning(s)`} in ${formatDuration(b.finishedAt - b.startedAt)}.`,
    `  ${formatCount(b.files)} files (${formatBytes(b.bytes)}), ${formatCount(b.newFiles)} new or changed (${formatBytes(b.newBytes)}), ${formatCount(b.linkedFiles)} unchanged and linked.`,
  ];
  return lines.join('\n');
}

/** The backup's warnings, for stderr. */
function warningLines(o: BackupOutcome): string[] {
  const b = o.backup;
  const lines = o.warnings.slice(0, 20).map((w) => `  warning: ${w.path}: ${w.message}`);
  if (o.warnings.length > 20 || b.warnings > o.warnings.length)
    lines.push(`  ... ${b.warnings - Math.min(20, o.warnings.length)} more warning(s); see: cairn log`);
  return lines;
}

/** Waits for the after-backup steps and says what each did, one indented line each; problems apart. */
async function afterBackupLines(r: AfterBackupReport): Promise<{ lines: string[]; problems: string[] }> {
  const lines: string[] = [];
  const problems: string[] = [];
  if (r.pruned.length)
    lines.push(`  pruned ${r.pruned.length} old backup(s) by the plan's retention: ${r.pruned.join(', ')}`);
  if (r.pruneError) problems.push(`  ${r.pruneError}`);
  try {
    const p = await r.push;
    if (p)
      lines.push(
        `  pushed to Google Drive: ${p.pushed.length} backup(s), ${formatBytes(p.bytesUploaded)} uploaded`,
      );
  } catch (e) {
    problems.push(
      `  the push to Google Drive did not finish: ${describeError(e)} (cairn drive push retries it)`,
    );
  }
  for (const x of await r.remotes) {
    if (x.result)
      lines.push(
        `  pushed to remote ${x.remote}: ${x.result.pushed.length} backup(s), ${formatBytes(x.result.bytesUploaded)} uploaded`,
      );
    else
      problems.push(
        `  the push to remote ${x.remote} did not finish: ${describeError(x.error)} (cairn remote push ${x.remote} retries it)`,
      );
  }
  return { lines, problems };
}

export function registerBackup(program: Command, ctx: () => CliContext): void {
  program
    .command('backup [plan]')
    .description(
      'back up a plan now (every plan when none is named); exit 0 done, 1 done with warnings, 2 failed',
    )
    .option('--note <text>', 'a note to keep with this backup')
    .option('--pin', 'never prune this backup')
    .action(async (name: string | undefined, o: { note?: string; pin?: boolean }) => {
      const c = ctx();
      const db = c.catalog();
      const plans: Plan[] = name ? [getPlan(db, name)] : listPlans(db);
      if (plans.length === 0) {
        throw new CairnError(
          'usage',
          'There are no plans yet; create one with: cairn plan add NAME --source DIR --dest DIR.',
        );
      }
      const results: unknown[] = [];
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        for (const plan of plans) {
          const line = progressLine();
          try {
            const { outcome: out, after: report } = await backupOp(c.ops(), plan, {
              note: o.note,
              pin: o.pin,
              manual: true,
              signal: ac.signal,
              // Off a terminal nothing is shown, and the run does not count its sources for a total.
              onProgress: line.tty ? backupProgress(line) : undefined,
            });
            line.done();
            c.exitCode = Math.max(c.exitCode, backupExitCode(out.backup));
            const after = await afterBackupLines(report);
            results.push({
              ...out.backup,
              warningList: out.warnings,
              afterBackup: [...after.lines, ...after.problems].map((l) => l.trim()),
            });
            if (!c.json) process.stdout.write([summary(out), ...after.lines].join('\n') + '\n');
            problem([...warningLines(out), ...after.problems]);
          } catch (e) {
            line.done();
            if (plans.length === 1) throw e;
            c.exitCode = 2;
            results.push({
              planName: plan.name,
              status: 'failed',
              error: e instanceof Error ? e.message : String(e),
            });
            problem(`Backup of ${plan.name} failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (c.json)
        process.stdout.write(JSON.stringify(plans.length === 1 ? results[0] : results, null, 2) + '\n');
    });
}
