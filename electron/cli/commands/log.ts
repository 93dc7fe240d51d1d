import type { Command } from 'commander';
import { ActivityKind, ActivityLevel } from '../../../shared/contract';
import { getPlan } from '../../engine/catalog/plans';
import { CairnError } from '../../engine/errors';
import { activityPage } from '../../engine/app/service/queries';
import { intOption, type CliContext } from '../context';

/** "24h", "7d", "30m" ago, or a date ("2026-11-20", ISO time), as ms since the epoch. */
export function parseSince(v: string, now: number): number {
  const m = /^(\d+)\s*(m|h|d|w)$/.exec(v.trim());
  if (m) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
    return now - Number(m[1]) * unit;
  }
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00` : v);
  if (Number.isNaN(t))
    throw new CairnError('usage', `--since takes 24h, 7d, 30m or a date such as 2026-11-20 (got "${v}").`);
  return t;
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function registerLog(program: Command, ctx: () => CliContext): void {
  program
    .command('log')
    .description(
      'the activity log, newest first: every run, restore, prune, verify, upload and settings change',
    )
    .option('--plan <name>', 'only this plan')
    .option('--kind <kind>', `only this kind (${ActivityKind.options.join(', ')})`)
    .option('--level <level>', `only this level or worse (${ActivityLevel.options.join(', ')})`)
    .option('--since <when>', 'only since: 24h, 7d, or a date')
    .option('--limit <n>', 'at most N entries (default 50)', intOption('--limit'))
    .action((o: { plan?: string; kind?: string; level?: string; since?: string; limit?: number }) => {
      const c = ctx();
      const db = c.catalog();
      if (o.kind && !ActivityKind.safeParse(o.kind).success)
        throw new CairnError('usage', `--kind is one of ${ActivityKind.options.join(', ')}.`);
      if (o.level && !ActivityLevel.safeParse(o.level).success)
        throw new CairnError('usage', `--level is one of ${ActivityLevel.options.join(', ')}.`);
      const levels =
        o.level === 'error' ? ['error'] : o.level === 'warning' ? ['warning', 'error'] : [undefined];
      const limit = o.limit ?? 50;
      const planId = o.plan ? getPlan(db, o.plan).id : undefined;
      const since = o.since ? parseSince(o.since, c.now()) : undefined;
      const entries = levels
        .flatMap((level) => activityPage(db, { planId, kind: o.kind, level, since, limit }))
        .sort((a, b) => b.id - a.id)
        .slice(0, limit);
      c.out(entries, (es) =>
        es.length === 0
          ? 'Nothing in the activity log matches.'
          : es
              .map(
                (e) =>
                  `${stamp(e.at)}  ${e.level === 'info' ? '    ' : e.level === 'warning' ? 'WARN' : 'ERR '}  ${e.kind.padEnd(8)}  ${(e.planName ?? '-').padEnd(12)}  ${e.actor.padEnd(8)}  ${e.message}`,
              )
              .join('\n'),
      );
    });
}
