import type { Command } from 'commander';
import { planLayout } from '../../engine/format/layout';
import { sweepTrash } from '../../engine/retention/sweep';

/**
 * `cairn sweep-trash`: the detached child a prune or backup leaves a big trash to (detachSweep.ts). Hidden
 * from --help; it never opens the catalog, so the next command's lock is never in its way.
 */
export function registerSweepTrash(program: Command): void {
  program
    .command('sweep-trash', { hidden: true })
    .description("empty a plan's trash (.cairn/trash)")
    .requiredOption('--dest <dir>', "the plan's destination")
    .requiredOption('--plan <name>', "the plan's name")
    .action(async (o: { dest: string; plan: string }) => {
      await sweepTrash(planLayout(o.dest, o.plan).trash);
    });
}
