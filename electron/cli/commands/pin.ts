import type { Command } from 'commander';
import { writeBackupIndex } from '../../engine/catalog/backupIndex';
import { logActivity } from '../../engine/catalog/activity';
import { resolveBackup, setPinned } from '../../engine/catalog/backups';
import type { CliContext } from '../context';

export function registerPin(program: Command, ctx: () => CliContext): void {
  program
    .command('pin <backup>')
    .description('keep a backup whatever the retention rules say (BACKUP is PLAN/STAMP, a stamp, or latest)')
    .option('--note <text>', 'why it is kept, shown by list and prune ("before the upgrade")')
    .action((ref: string, o: { note?: string }) => {
      const c = ctx();
      const db = c.catalog();
      const { plan, backup } = resolveBackup(db, ref);
      const b = setPinned(db, backup.id, true, o.note);
      logActivity(db, {
        at: c.now(),
        planId: plan.id,
        backupId: b.id,
        kind: 'settings',
        actor: 'cli',
        message: `Pinned ${plan.name}/${b.stamp}${b.note ? ` (${b.note})` : ''}`,
      });
      writeBackupIndex(db, plan);
      c.out(b, () => `Pinned ${plan.name}/${b.stamp}${b.note ? `: ${b.note}` : ''}; prune will keep it.`);
    });

  program
    .command('unpin <backup>')
    .description('let the retention rules decide about a backup again')
    .action((ref: string) => {
      const c = ctx();
      const db = c.catalog();
      const { plan, backup } = resolveBackup(db, ref);
      const b = setPinned(db, backup.id, false);
      logActivity(db, {
        at: c.now(),
        planId: plan.id,
        backupId: b.id,
        kind: 'settings',
        actor: 'cli',
        message: `Unpinned ${plan.name}/${b.stamp}`,
      });
      writeBackupIndex(db, plan);
      c.out(
        b,
        () =>
          `Unpinned ${plan.name}/${b.stamp}; the retention rules decide about it again (see: cairn prune --dry-run).`,
      );
    });
}
