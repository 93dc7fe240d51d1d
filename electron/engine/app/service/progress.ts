import type { BackupProgress } from '../../backup/run';
import type { PushProgress, PushResult } from '../../drive/pack/push';
import { waitingMessage } from '../../drive/errors';
import { describeError } from '../../errors';

/** The span the rate is measured over: the run's recent pace, not its average since the start. */
const RATE_SPAN_MS = 10_000;
/** An ETA is shown once the run is this old, the rate spans this long and this much is done. */
const ETA_AFTER_MS = 3000;
const ETA_MIN_SPAN_MS = 2000;
const ETA_MIN_FRACTION = 0.01;

/** Samples of a growing count over a sliding window, for a rate that follows the run's current pace. */
export class RateWindow {
  private samples: [t: number, v: number][] = [];

  constructor(private readonly spanMs = RATE_SPAN_MS) {}

  add(t: number, v: number): void {
    this.samples.push([t, v]);
    // Keep one sample at or before the window's start, so the window spans all of it.
    while (this.samples.length > 2 && this.samples[1]![0] <= t - this.spanMs) this.samples.shift();
  }

  /** Per second over the window, and how long the window spans (ms). */
  rate(): { perSecond: number; spanMs: number } {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    const spanMs = first && last ? last[0] - first[0] : 0;
    return { perSecond: spanMs > 0 ? ((last![1] - first![1]) * 1000) / spanMs : 0, spanMs };
  }
}

/**
 * A run's figures for the UI and the CLI, from what the run knows: the total (exact once counted, "at
 * least" before, never below what is done), bytes done, the rate over the last seconds, a fraction only once
 * the total is counted, and an ETA only once it means something. `window` carries the rate between calls.
 */
export function progressFigures(p: BackupProgress | null, now: number, window: RateWindow) {
  if (!p) {
    return {
      files: 0,
      bytes: 0,
      bytesDone: 0,
      newFiles: 0,
      newBytes: 0,
      linkedFiles: 0,
      skipped: 0,
      warnings: 0,
      currentPath: '',
      elapsedMs: 0,
      bytesPerSecond: 0,
      totalFiles: 0,
      totalBytes: 0,
      counted: false,
      fraction: null,
      etaSeconds: null,
    };
  }
  const elapsedMs = Math.max(0, now - p.startedAt);
  window.add(now, p.bytesDone);
  const { perSecond, spanMs } = window.rate();
  const totalBytes = Math.max(p.totalBytes, p.bytesDone);
  const totalFiles = Math.max(p.totalFiles, p.files);
  let fraction: number | null = null;
  if (p.counted && totalBytes > 0) fraction = p.bytesDone / totalBytes;
  else if (p.counted && totalFiles > 0) fraction = p.files / totalFiles;
  // Done is said by the run's end, not by the bar: the last step (syncing to the disk) takes time too.
  if (fraction !== null) fraction = Math.min(0.99, fraction);
  const left = totalBytes - p.bytesDone;
  const etaSeconds =
    p.counted &&
    elapsedMs >= ETA_AFTER_MS &&
    spanMs >= ETA_MIN_SPAN_MS &&
    (fraction ?? 0) >= ETA_MIN_FRACTION &&
    perSecond > 0 &&
    left > 0
      ? Math.ceil(left / perSecond)
      : null;
  return {
    files: p.files,
    bytes: p.bytes,
    bytesDone: p.bytesDone,
    newFiles: p.newFiles,
    newBytes: p.newBytes,
    linkedFiles: p.linkedFiles,
    skipped: p.skipped,
    warnings: p.warnings,
    currentPath: p.currentPath,
    elapsedMs,
    bytesPerSecond: Math.round(perSecond),
    totalFiles,
    totalBytes,
    counted: p.counted,
    fraction,
    etaSeconds,
  };
}

/** The driveProgress event of a plan's push: a phase, what went up so far, and a sentence. */
export function driveEvent(
  planName: string,
  phase: 'uploading' | 'done' | 'failed',
  bytes: number,
  files: number,
  message: string | null,
) {
  return { planName, phase, filesDone: files, filesTotal: null, bytesDone: bytes, bytesTotal: null, message };
}

/** A Drive push's progress as the driveProgress event says it (with the wait for Google's daily limit). */
export function drivePushProgress(planName: string, p: PushProgress) {
  return driveEvent(
    planName,
    'uploading',
    p.bytesUploaded,
    p.packsUploaded,
    p.waitingUntil ? (p.waiting ?? waitingMessage('daily', p.waitingUntil)) : null,
  );
}

/** The driveProgress event that ends a plan's push: what went up, or why it stopped. */
export function drivePushEnd(planName: string, r: PushResult | null, error: unknown) {
  return r
    ? driveEvent(planName, 'done', r.bytesUploaded, r.packsUploaded, `${r.pushed.length} backup(s) pushed.`)
    : driveEvent(planName, 'failed', 0, 0, describeError(error));
}
