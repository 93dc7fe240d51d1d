import type { Command } from 'commander';
import { importOp } from '../../engine/app/ops/import';
import type { ImportedPlan } from '../../engine/backup/importDest';
import type { CliContext } from '../context';

function text(plans: ImportedPlan[]): string {
  const lines: string[] = [];
  for (const p of plans) {
    lines.push(
      `${p.planName}: ${p.imported.length} backup(s) imported${p.created ? ' (plan created from the destination)' : ''}.`,
    );
    for (const n of p.notes) lines.push(`  ${n}`);
  }
  lines.push('See them with: cairn list');
  return lines.join('\n');
}

/** The backups left out (exit 1), for stderr. */
function skippedLines(plans: ImportedPlan[]): string[] {
  return plans.flatMap((p) => p.skipped.map((s) => `  ${p.planName}: left out ${s.stamp}: ${s.reason}`));
}

export function registerImport(program: Command, ctx: () => CliContext): void {
  program
    .command('import <dest>')
    .description(
      'rebuild the catalog from a backup destination (after the data folder was lost, or on a new machine)',
    )
    .action(async (dest: string) => {
      const c = ctx();
      const plans = await importOp(c.ops(), dest);
      if (plans.some((p) => p.skipped.length > 0)) c.exitCode = 1;
      c.out(plans, text, skippedLines);
    });
}
