import type { Command } from 'commander';
import path from 'node:path';
import { collectMetrics, formatMetrics, writeAtomic } from '../../engine/app/ops/metrics';
import type { CliContext } from '../context';

export function registerMetrics(program: Command, ctx: () => CliContext): void {
  program
    .command('metrics')
    .description('print Prometheus metrics for every plan (or write a node_exporter textfile)')
    .option('--textfile <path>', 'write to this .prom file atomically instead of printing')
    .action((o: { textfile?: string }) => {
      const c = ctx();
      const text = formatMetrics(collectMetrics(c.catalog(), c.now()));
      if (o.textfile) {
        writeAtomic(path.resolve(o.textfile), text);
        if (c.json) c.out({ written: path.resolve(o.textfile) }, () => '');
      } else process.stdout.write(text);
    });
}
