import type { Command } from 'commander';
import { getPlan, listPlans } from '../../engine/catalog/plans';
import { CairnError } from '../../engine/errors';
import { pruneOp } from '../../engine/app/ops/prune';
import type { PruneResult } from '../../engine/retention/prune';
import type { CliContext } from '../context';
import { formatBytes, table } from '../format';

function text(results: PruneResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const n = r.pruned.length;
    out.push(
      r.dryRun
        ? `Plan ${r.planName}: prune would remove ${n} of ${r.items.length} backup(s)${n ? ` (about ${formatBytes(r.freedBytes)})` : ''}:`
        : `Plan ${r.planName}: removed ${n} of ${r.items.length} backup(s)${n ? ` (about ${formatBytes(r.freedBytes)} freed)` : ''}:`,
    );
    out.push(
      table(
        r.items.map((i) => [
          `  ${r.planName}/${i.backup.stamp}`,
          i.keep ? 'keep' : r.dryRun ? 'prune' : 'pruned',
          i.reasons.join('; '),
        ]),
      ),
    );
  }
  return out.join('\n');
}

export function registerPrune(program: Command, ctx: () => CliContext): void {
  program
    .command('prune [plan]')
    .description(
      'apply the retention rules (every plan when none is named), saying for each backup the rule that keeps it',
    )
    .option('--dry-run', 'show what would be kept and removed, and remove nothing')
    .action((name: string | undefined, o: { dryRun?: boolean }) => {
      const c = ctx();
      const db = c.catalog();
      const plans = name ? [getPlan(db, name)] : listPlans(db);
      if (plans.length === 0)
        throw new CairnError(
          'usage',
          'There are no plans yet; create one with: cairn plan add NAME --source DIR --dest DIR.',
        );
      const results = plans.map((plan) => pruneOp(c.ops(), plan, { dryRun: o.dryRun }));
      c.out(name ? results[0]! : results, () => text(results));
    });
}
