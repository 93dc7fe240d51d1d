import type { Command } from 'commander';
import { undoOp } from '../../engine/app/ops/undo';
import { resolveBackup } from '../../engine/catalog/backups';
import type { UndoSummary } from '../../engine/restore/undo';
import type { CliContext } from '../context';
import { formatCount } from '../format';

function undoText(s: UndoSummary): string {
  return (
    `Undid the restore of ${s.restored}: ${formatCount(s.reverted)} path(s) put back as they were before it` +
    (s.alreadyBefore ? `, ${formatCount(s.alreadyBefore)} already so` : '') +
    '.' +
    (s.released
      ? `\n  ${s.safetyBackup} is no longer pinned; the retention rules decide about it again.`
      : '')
  );
}

/** What the undo left alone or could not do, one path a line (for stderr: these are not results). */
function problems(s: UndoSummary): string {
  return [
    ...s.kept.map((k) => `KEPT: ${k.path}: ${k.reason}; left as it is`),
    ...s.failures.map((f) => `NOT PUT BACK: ${f.path}: ${f.message}`),
  ]
    .map((l) => l + '\n')
    .join('');
}

export function registerUndo(program: Command, ctx: () => CliContext): void {
  program
    .command('undo <backup>')
    .description(
      'undo an in-place restore: BACKUP is the "before restore" backup it made; only paths still as the restore left them go back, paths changed since are kept (exit 1 when some were)',
    )
    .action(async (ref: string) => {
      const c = ctx();
      const { plan, backup } = resolveBackup(c.catalog(), ref);
      const ac = new AbortController();
      const onSignal = () => ac.abort();
      process.once('SIGINT', onSignal);
      try {
        const s = await undoOp(c.ops(), plan, backup.stamp, ac.signal);
        c.exitCode = s.kept.length || s.failures.length ? 1 : 0;
        c.out(s, undoText);
        process.stderr.write(problems(s));
      } finally {
        process.off('SIGINT', onSignal);
      }
    });
}
