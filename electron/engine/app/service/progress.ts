import type { BackupProgress } from '../../backup/run';
import type { PushProgress, PushResult } from '../../drive/pack/push';
import { describeError } from '../../errors';

/** A run's figures for the UI: rate over the run so far, and a fraction and ETA from the previous backup. */
export function progressFigures(p: BackupProgress | null, now: number) {
  if (!p) {
    return {
      files: 0,
      bytes: 0,
      newFiles: 0,
      newBytes: 0,
      linkedFiles: 0,
      skipped: 0,
      warnings: 0,
      currentPath: '',
      elapsedMs: 0,
      bytesPerSecond: 0,
      expectedFiles: null,
      expectedBytes: null,
      fraction: null,
      etaSeconds: null,
    };
  }
  const elapsedMs = Math.max(0, now - p.startedAt);
  const secs = Math.max(0.001, elapsedMs / 1000);
  const bytesPerSecond = Math.round(p.bytes / secs);
  let fraction: number | null = null;
  if (p.expectedBytes && p.expectedBytes > 0) fraction = p.bytes / p.expectedBytes;
  else if (p.expectedFiles && p.expectedFiles > 0) fraction = p.files / p.expectedFiles;
  // The previous backup is only an estimate: never claim to be done before the end.
  if (fraction !== null) fraction = Math.min(0.99, Math.max(0, fraction));
  const etaSeconds =
    fraction !== null && fraction > 0.01 && elapsedMs > 1000
      ? Math.round((elapsedMs / 1000) * ((1 - fraction) / fraction))
      : null;
  return {
    files: p.files,
    bytes: p.bytes,
    newFiles: p.newFiles,
    newBytes: p.newBytes,
    linkedFiles: p.linkedFiles,
    skipped: p.skipped,
    warnings: p.warnings,
    currentPath: p.currentPath,
    elapsedMs,
    bytesPerSecond,
    expectedFiles: p.expectedFiles,
    expectedBytes: p.expectedBytes,
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
    p.waitingUntil
      ? `Waiting for Google's upload limit until ${new Date(p.waitingUntil).toLocaleTimeString()}.`
      : null,
  );
}

/** The driveProgress event that ends a plan's push: what went up, or why it stopped. */
export function drivePushEnd(planName: string, r: PushResult | null, error: unknown) {
  return r
    ? driveEvent(planName, 'done', r.bytesUploaded, r.packsUploaded, `${r.pushed.length} backup(s) pushed.`)
    : driveEvent(planName, 'failed', 0, 0, describeError(error));
}
