import type { Command } from 'commander';
import type { Status } from '../../../shared/contract';
import type { z } from 'zod';
import { JOB_WORDS } from '../../engine/app/jobs';
import { statusExitCode } from '../../engine/health/health';
import { pauseEnd } from '../../engine/app/service/pause';
import { CairnService } from '../../engine/app/service/service';
import { CairnError } from '../../engine/errors';
import type { CliContext } from '../context';
import { formatWhen as when, table } from '../format';

type StatusValue = z.output<typeof Status>;

const WORDS: Record<StatusValue['overall'], string> = {
  healthy: 'healthy',
  'first-backup': 'FIRST BACKUP RUNNING',
  'waiting-run': 'WAITING TO RUN',
  attention: 'ATTENTION',
  'waiting-disk': 'DISK NOT CONNECTED',
  failing: 'FAILING',
};

/** "next 2026-12-08 02:00 (in 11 h)", or "paused until you resume" when the pause holds that run. */
function nextRunText(s: StatusValue, p: StatusValue['plans'][number]): string {
  if (!p.nextRun) return `schedule "${p.schedule}" not understood`;
  if (s.pause && (s.pause.until === null || s.pause.until > p.nextRun)) return `paused ${pauseEnd(s.pause)}`;
  return `next ${when(p.nextRun, s.generatedAt)}`;
}

/** The status as text: one block per plan, reasons under it. */
export function statusText(s: StatusValue): string {
  if (s.plans.length === 0)
    return 'No plans yet. Create one with: cairn plan add NAME --source DIR --dest DIR';
  const rows = s.plans.map((p) => [
    p.planName,
    WORDS[p.state],
    p.lastGood ? `last good ${when(p.lastGood.finishedAt, s.generatedAt)}` : 'no backup yet',
    nextRunText(s, p),
  ]);
  const lines = table([['PLAN', 'STATE', 'LAST GOOD BACKUP', 'NEXT RUN'], ...rows]).split('\n');
  const notes = s.plans.flatMap((p) => [
    ...p.jobs.map(
      (j) =>
        `  ${p.planName}: ${JOB_WORDS[j.kind]} running since ${when(j.startedAt, s.generatedAt)} (${j.actor})`,
    ),
    ...p.reasons.map((r) => `  ${p.planName}: ${r}`),
  ]);
  const paused = s.pause
    ? [`Scheduled and after-change backups are paused ${pauseEnd(s.pause)} (cairn resume ends it).`]
    : [];
  return [...lines, ...(notes.length ? ['', ...notes] : []), ...paused].join('\n');
}

export function registerStatus(program: Command, ctx: () => CliContext): void {
  program
    .command('status')
    .description(
      'is every plan safe? exit 0 healthy, 1 needs attention or waits (see the README table), 2 failing',
    )
    .action(async () => {
      const c = ctx();
      const core = c.core();
      const service = new CairnService({ ...core, now: () => c.now(), actor: 'cli' });
      const r = await service.call('status', {});
      if (!r.ok) throw new CairnError('io', r.error.message);
      const s = r.value as StatusValue;
      c.out(s, statusText);
      // No plan: nothing is protected yet, which needs the user's attention as much as a stale backup.
      c.exitCode = s.plans.length === 0 ? 1 : statusExitCode(s.plans.map((p) => p.state));
    });
}
