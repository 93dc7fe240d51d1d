import { displayName } from '../engine/format/fsName';
import { progressFigures, RateWindow } from '../engine/app/service/progress';
import type { BackupProgress } from '../engine/backup/run';
import { formatBytes, formatCount, formatDuration } from './format';

export interface ProgressFigures {
  files: number;
  bytes: number;
  currentPath?: string;
  startedAt: number;
}

/** A one-line progress display on a terminal (stderr); silent when stderr is not a terminal. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let shown = false;
  const show = (head: string, currentPath?: string): void => {
    if (!tty) return;
    const width = (stream.columns ?? 80) - 1;
    let line = currentPath ? `${head}  ${displayName(currentPath)}` : head;
    if (line.length > width) line = line.slice(0, Math.max(0, width - 1)) + '…';
    stream.write(`\r\x1b[2K${line}`);
    shown = true;
  };
  return {
    /** Whether the line is shown at all (stderr is a terminal). */
    tty,
    show,
    update(p: ProgressFigures, verb = 'backed up'): void {
      const secs = Math.max(0.001, (Date.now() - p.startedAt) / 1000);
      show(
        `${formatCount(p.files)} files ${verb}, ${formatBytes(p.bytes)}, ${formatBytes(p.bytes / secs)}/s`,
        p.currentPath,
      );
    },
    done(): void {
      if (tty && shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

type Figures = ReturnType<typeof progressFigures>;

/**
 * A backup's progress in words, from the figures every face shows (app/service/progress.ts): "45%, 1.2 GiB
 * of 2.6 GiB, 80 MiB/s, about 20 s left"; "at least" and no percentage while the sources are counted.
 */
export function backupHead(f: Figures): string {
  const rate = `${formatBytes(f.bytesPerSecond)}/s`;
  if (f.fraction === null)
    return `${formatBytes(f.bytesDone)} of at least ${formatBytes(f.totalBytes)}, ${formatCount(f.files)} files so far, ${rate}`;
  const pct = `${Math.min(99, Math.floor(f.fraction * 100))}%`;
  const left =
    f.bytesDone >= f.totalBytes
      ? 'finishing'
      : f.etaSeconds !== null
        ? `about ${formatDuration(f.etaSeconds * 1000)} left`
        : null;
  return [pct, `${formatBytes(f.bytesDone)} of ${formatBytes(f.totalBytes)}`, rate, left]
    .filter(Boolean)
    .join(', ');
}

/** Shows a backup's progress on the line, the rate over the last seconds. */
export function backupProgress(line: ReturnType<typeof progressLine>, now: () => number = Date.now) {
  const window = new RateWindow();
  return (p: BackupProgress): void => line.show(backupHead(progressFigures(p, now(), window)), p.currentPath);
}
