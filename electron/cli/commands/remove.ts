import type { Command } from 'commander';
import { resolveBackup } from '../../engine/catalog/backups';
import { removeBackupOp, removePreviewOp } from '../../engine/app/ops/removeBackup';
import type { RemovePreview } from '../../engine/retention/remove';
import type { CliContext } from '../context';
import { formatBytes, formatCount } from '../format';

/** "6 B (1 file no other backup holds)". */
function freed(p: RemovePreview): string {
  const files = `${formatCount(p.freedFiles)} ${p.freedFiles === 1 ? 'file' : 'files'}`;
  return `${formatBytes(p.freedBytes)} (${files} no other backup holds)`;
}

/**
 * `cairn remove BACKUP [--yes]`: one backup removed by hand, previewed unless --yes. A verb of its own, like
 * pin and undo: under `cairn backup [PLAN]` it would hide a plan named "remove".
 */
export function registerRemove(program: Command, ctx: () => CliContext): void {
  program
    .command('remove <backup>')
    .description(
      'remove one backup (BACKUP is PLAN/STAMP or a stamp): without --yes, only say what it frees; ' +
        'exit 0 removed, 1 previewed only, 2 refused (pinned, the only one, in use)',
    )
    .option('--yes', 'remove it (pinned backups and the only backup of a plan are refused all the same)')
    .action((ref: string, o: { yes?: boolean }) => {
      const c = ctx();
      const { plan, backup: b } = resolveBackup(c.catalog(), ref);
      const name = `${plan.name}/${b.stamp}`;
      const preview = removePreviewOp(c.ops(), plan, b);
      if (preview.refusals.length || !o.yes) {
        c.exitCode = preview.refusals.length ? 2 : 1;
        c.out(
          { removed: false, ...preview },
          (p) => `Removing ${name} would free ${freed(p)}.`,
          (p) =>
            p.refusals.length
              ? [`Backup ${name} cannot be removed: ${p.refusals.join(' ')}`]
              : [...p.warnings, `Nothing removed; to remove ${name}, run again with --yes.`],
        );
        return;
      }
      const done = removeBackupOp(c.ops(), plan, b);
      c.out(
        { removed: true, ...done },
        (p) => `Removed ${name}; freed ${freed(p)}. Its copy on Google Drive, if any, is not touched.`,
      );
    });
}
