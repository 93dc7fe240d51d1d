import type { Command } from 'commander';
import { restoreOp } from '../../engine/app/ops/restore';
import { resolveBackup, type BackupRecord } from '../../engine/catalog/backups';
import type { Db } from '../../engine/catalog/db';
import { findPlan, type Plan } from '../../engine/catalog/plans';
import { remotesHolding } from '../../engine/drive/pack/store';
import { CairnError } from '../../engine/errors';
import type { RestoreSummary } from '../../engine/restore/restore';
import { SAFETY_PIN_DAYS } from '../../../shared/schemas/trust';
import { collect, type CliContext } from '../context';
import { displayName, parseTyped } from '../../engine/format/fsName';
import { formatBytes, formatCount, formatDuration } from '../format';
import { progressLine } from '../progress';

interface RestoreOpts {
  path?: string[];
  to?: string;
  inPlace?: boolean;
  overwrite?: boolean;
  dryRun?: boolean;
}

function summaryText(s: RestoreSummary): string {
  const files = s.written + s.overwritten + s.keptBoth;
  const bytes = s.writtenBytes + s.overwrittenBytes + s.keptBothBytes;
  const lines: string[] = [];
  if (s.dryRun) {
    lines.push(`Dry run: restoring ${s.backup} to ${s.target} would`);
    lines.push(`  write       ${formatCount(s.written)} new file(s), ${formatBytes(s.writtenBytes)}`);
    lines.push(`  overwrite   ${formatCount(s.overwritten)} file(s), ${formatBytes(s.overwrittenBytes)}`);
    lines.push(
      `  keep both   ${formatCount(s.keptBoth)} file(s) (written beside different ones), ${formatBytes(s.keptBothBytes)}`,
    );
    lines.push(
      `  skip        ${formatCount(s.skipped)} file(s) already there, ${formatBytes(s.skippedBytes)}`,
    );
    if (s.deleted) {
      lines.push(
        `  remove      ${formatCount(s.deleted)} path(s) the backup does not have (saved first in a pinned backup):`,
      );
      for (const p of s.wouldRemove.slice(0, 20)) lines.push(`                ${displayName(p)}`);
      if (s.deleted > 20)
        lines.push(`                ... and ${formatCount(s.deleted - 20)} more (see --json)`);
    }
    lines.push(`  and make ${formatCount(s.dirs)} folder(s) and ${formatCount(s.symlinks)} symlink(s).`);
  } else {
    lines.push(
      `Restored ${s.backup} to ${s.target} in ${formatDuration(s.durationMs)}: ` +
        `${formatCount(files)} file(s) written (${formatBytes(bytes)}), ${formatCount(s.verified)} verified against the manifest.`,
    );
    lines.push(
      `  ${formatCount(s.written)} new, ${formatCount(s.overwritten)} replaced, ${formatCount(s.keptBoth)} kept beside a different file, ` +
        `${formatCount(s.skipped)} already there; ${formatCount(s.dirs)} folder(s), ${formatCount(s.symlinks)} symlink(s)` +
        (s.deleted ? `, ${formatCount(s.deleted)} removed` : '') +
        '.',
    );
    if (s.beforeRestore)
      lines.push(
        `  What was there before is saved in ${s.beforeRestore} (pinned for ${SAFETY_PIN_DAYS} days); to undo: cairn undo ${s.beforeRestore}`,
      );
    for (const k of s.keptFolders.slice(0, 20))
      lines.push(`  kept folder ${displayName(k)}: it holds files no backup has (excluded)`);
  }
  return lines.join('\n');
}

/** The paths that did not land, for stderr. */
function problemLines(s: RestoreSummary): string[] {
  const lines = s.failures.slice(0, 50).map((f) => `  NOT RESTORED: ${displayName(f.path)}: ${f.message}`);
  if (s.failed > 50)
    lines.push(`  ... and ${formatCount(s.failed - 50)} more; see --json for the first 1,000`);
  if (s.failed) lines.push(`${formatCount(s.failed)} path(s) did not land.`);
  return lines;
}

/**
 * The backup a reference names; or, for PLAN/STAMP pruned here but still kept on Drive or another remote
 * (each has its own retention), that stamp alone: it is then restored from there.
 */
function resolveOrDriveOnly(
  db: Db,
  ref: string,
): { plan: Plan; backup: Pick<BackupRecord, 'stamp'> & { id: number | null } } {
  try {
    return resolveBackup(db, ref);
  } catch (e) {
    const slash = ref.indexOf('/');
    if (!(e instanceof CairnError) || e.code !== 'not-found' || slash < 0) throw e;
    const plan = findPlan(db, ref.slice(0, slash));
    const stamp = ref.slice(slash + 1);
    if (!plan || remotesHolding(db, plan.id, stamp).length === 0) throw e;
    return { plan, backup: { id: null, stamp } };
  }
}

export function registerRestore(program: Command, ctx: () => CliContext): void {
  program
    .command('restore <backup>')
    .description(
      'restore a backup or chosen paths --to a folder or --in-place; exit 0 all restored and verified, 1 some paths did not land, 2 failed',
    )
    .option(
      '--path <path>',
      'a file or folder in the backup, starting with the source name (repeat; \\xff for a byte that is not UTF-8)',
      collect,
    )
    .option(
      '--to <dir>',
      'restore into this folder (an existing different file is kept; the restored one goes beside it)',
    )
    .option('--in-place', 'restore to the original folders, after saving what is there in a pinned backup')
    .option('--overwrite', 'with --to: replace existing different files instead of keeping both')
    .option('--dry-run', 'say what would be written, overwritten and skipped, and change nothing')
    .action(async (ref: string, o: RestoreOpts) => {
      const c = ctx();
      const db = c.catalog();
      const { plan, backup } = resolveOrDriveOnly(db, ref);
      const line = progressLine();
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        // A backup whose folder is not on this machine comes from Drive, when Drive has it.
        const s = await restoreOp(c.ops(), {
          plan,
          backup,
          paths: o.path?.map(parseTyped),
          to: o.to,
          inPlace: o.inPlace,
          overwrite: o.overwrite,
          dryRun: o.dryRun,
          signal: ac.signal,
          onProgress: (p) => line.update(p, 'restored'),
        });
        line.done();
        c.exitCode = s.failed > 0 ? 1 : 0;
        c.out(s, summaryText, problemLines);
      } finally {
        line.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
