import type { Command } from 'commander';
import type { z } from 'zod';
import type { PauseState } from '../../../shared/contract';
import { durationMs, pauseEnd, startOfTomorrow } from '../../engine/app/service/pause';
import { CairnService } from '../../engine/app/service/service';
import { CairnError } from '../../engine/errors';
import type { CliContext } from '../context';

type Until = number | 'resumed' | null;

/** Sets the pause through the service (a running app or `cairn serve` follows it within a minute). */
async function setPause(c: CliContext, until: Until, now = c.now()): Promise<void> {
  const service = new CairnService({ ...c.core(), now: () => now, actor: 'cli' });
  const r = await service.call('pauseSet', { until });
  if (!r.ok) throw new CairnError(r.error.code === 'usage' ? 'usage' : 'io', r.error.message);
  c.out(r.value as z.output<typeof PauseState>, (v) =>
    v.pause
      ? `Scheduled and after-change backups are paused ${pauseEnd(v.pause)}; a backup you start still runs.`
      : 'Scheduled and after-change backups run again; one missed meanwhile runs shortly.',
  );
}

export function registerPause(program: Command, ctx: () => CliContext): void {
  program
    .command('pause')
    .description('pause scheduled and after-change backups until you resume (a backup you start still runs)')
    .option('--for <duration>', 'for a while only: 30m, 1h, 2d')
    .option('--until-tomorrow', 'until midnight')
    .action(async (o: { for?: string; untilTomorrow?: boolean }) => {
      const c = ctx();
      const now = c.now();
      if (o.for !== undefined && o.untilTomorrow)
        throw new CairnError('usage', 'Give --for or --until-tomorrow, not both.');
      const ms = o.for === undefined ? null : durationMs(o.for);
      if (o.for !== undefined && ms === null)
        throw new CairnError('usage', `--for takes 30m, 1h or 2d (got "${o.for}").`);
      await setPause(c, ms !== null ? now + ms : o.untilTomorrow ? startOfTomorrow(now) : 'resumed', now);
    });
  program
    .command('resume')
    .description('run scheduled and after-change backups again after `cairn pause`')
    .action(async () => setPause(ctx(), null));
}
