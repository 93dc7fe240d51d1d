import type { Command } from 'commander';
import { listBackups, listWarnings, resolveBackup, type BackupRecord } from '../../engine/catalog/backups';
import { getPlan } from '../../engine/catalog/plans';
import { listFolder } from '../../engine/catalog/versions';
import { displayName, parseTyped } from '../../engine/format/fsName';
import type { CliContext } from '../context';
import { formatBytes, formatCount, table } from '../format';

function statusWord(b: BackupRecord): string {
  return b.status === 'complete' ? 'ok' : b.status === 'warnings' ? `${b.warnings} warning(s)` : 'FAILED';
}

export function registerList(program: Command, ctx: () => CliContext): void {
  program
    .command('list [plan]')
    .description('list backups, newest first')
    .option('--failed', 'include failed runs')
    .action((name: string | undefined, o: { failed?: boolean }) => {
      const c = ctx();
      const db = c.catalog();
      const planId = name ? getPlan(db, name).id : undefined;
      const rows = listBackups(db, { planId, includeFailed: o.failed });
      c.out(rows, (bs) =>
        bs.length === 0
          ? 'No backups yet. Make one with: cairn backup'
          : table([
              ['BACKUP', 'STATUS', 'FILES', 'SIZE', 'NEW', 'PIN', 'NOTE'],
              ...bs.map((b) => [
                `${b.planName}/${b.stamp}`,
                statusWord(b),
                formatCount(b.files),
                formatBytes(b.bytes),
                formatBytes(b.newBytes),
                b.pinned ? 'pinned' : '',
                b.error ?? b.note ?? '',
              ]),
            ]),
      );
    });

  program
    .command('show <backup>')
    .description('what a backup holds (BACKUP is PLAN/STAMP, a stamp, or latest)')
    .option(
      '--path <subdir>',
      'list this folder of the backup (relative, starting with the source label; \\xff for a byte that is not UTF-8)',
    )
    .action((ref: string, o: { path?: string }) => {
      const c = ctx();
      const db = c.catalog();
      const { plan, backup } = resolveBackup(db, ref);
      const folder = parseTyped(o.path ?? '').replace(/^\/+|\/+$/g, '');
      const entries = listFolder(db, plan.id, backup.id, folder);
      const warnings = listWarnings(db, backup.id);
      c.out({ backup, folder, entries, warnings }, (v) => {
        const b = v.backup;
        const head = [
          `Backup ${b.planName}/${b.stamp}: ${statusWord(b)}${b.pinned ? ', pinned' : ''}${b.note ? ` (${b.note})` : ''}`,
          `  ${formatCount(b.files)} files, ${formatCount(b.dirs)} folders, ${formatCount(b.symlinks)} symlinks, ${formatBytes(b.bytes)}; new ${formatBytes(b.newBytes)}`,
          `  folder on disk: ${plan.dest}/${plan.name}/${b.stamp}/${v.folder}`,
          '',
        ];
        const rows = v.entries.map((e) => [
          e.kind === 'd' ? 'dir' : e.kind === 'l' ? 'link' : 'file',
          e.kind === 'f' ? formatBytes(e.size) : '',
          new Date(e.mtimeMs).toISOString().slice(0, 19).replace('T', ' '),
          e.kind === 'l'
            ? `${displayName(e.name)} -> ${displayName(e.target ?? '')}`
            : `${displayName(e.name)}${e.kind === 'd' ? '/' : ''}`,
        ]);
        const tail = v.warnings.map((w) => `  warning: ${w.path}: ${w.message}`);
        return [
          ...head,
          rows.length ? table(rows) : `(no entries in "${v.folder}")`,
          ...(tail.length ? ['', ...tail] : []),
        ].join('\n');
      });
    });
}
