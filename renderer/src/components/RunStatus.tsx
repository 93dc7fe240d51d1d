// A backup in progress in words (the Overview's run panel) and as the indicator every view shows in the nav.
import type { z } from 'zod';
import type { RunProgress } from '../../../shared/contract';
import { bytes, counted, duration } from '../format';
import { useApp } from '../store/store';

type Run = z.output<typeof RunProgress>;

/**
 * "5.0 MB of 10 MB (240 files), 2.0 MB/s, about 3 s left" once the total is counted; "at least" while the
 * sources are still counted; "finishing" once every byte is copied (the run syncs and records).
 */
export function runText(run: Run): string {
  const rate = `${bytes(run.bytesPerSecond)}/s`;
  if (run.fraction === null)
    return `${bytes(run.bytesDone)} of at least ${bytes(run.totalBytes)} (counting: ${counted(run.files, 'file')} so far), ${rate}`;
  const left =
    run.bytesDone >= run.totalBytes
      ? ', finishing (writing it all to the disk)'
      : run.etaSeconds !== null
        ? `, about ${duration(run.etaSeconds)} left`
        : '';
  return `${bytes(run.bytesDone)} of ${bytes(run.totalBytes)} (${counted(run.totalFiles, 'file')}), ${rate}${left}`;
}

function headline(run: Run): string {
  if (run.phase === 'queued') return `${run.planName}: waiting to back up`;
  if (run.phase === 'cancelling') return `Cancelling the backup of ${run.planName}…`;
  const pct = run.fraction === null ? '' : ` ${Math.min(99, Math.floor(run.fraction * 100))}%`;
  return `Backing up ${run.planName}…${pct}`;
}

/** The runs under way, on every view: a link to the Overview, where they can be followed and cancelled. */
export function RunIndicator() {
  const runs = useApp((s) => s.runs);
  const list = Object.values(runs);
  if (list.length === 0) return null;
  return (
    <ul className="run-indicator" aria-label="Backups running">
      {list.map((r) => (
        <li key={r.runId}>
          <a href="#/overview">{headline(r)}</a>
        </li>
      ))}
    </ul>
  );
}
