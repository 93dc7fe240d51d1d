// Reduces the contract's Status and DriveStatus to what the tray shows; pure, tested in Node.
import type { z } from 'zod';
import type { DriveStatus, RunProgress, Status } from '../../shared/contract';
import type { TrayInput, TrayPlan, TrayRun } from './trayModel';

type StatusValue = z.output<typeof Status>;
type DriveValue = z.output<typeof DriveStatus>;
type RunValue = z.output<typeof RunProgress>;

function planOf(p: StatusValue['plans'][number]): TrayPlan {
  return {
    name: p.planName,
    condition: p.state,
    lastGoodAt: p.lastGood?.finishedAt ?? null,
    message: p.reasons[0] ?? (p.state === 'failing' ? p.lastRun?.error : null) ?? null,
  };
}

function runOf(r: RunValue): TrayRun {
  return {
    planName: r.planName,
    files: r.files,
    bytesDone: r.bytesDone,
    totalBytes: r.totalBytes,
    counted: r.counted,
    fraction: r.fraction,
    etaMs: r.etaSeconds === null ? null : r.etaSeconds * 1000,
  };
}

/**
 * Drive matters to the tray only once it was used: a copy that was pushed before and is no longer connected
 * (a revoked grant, a lost token) is "disconnected"; a connected one with a recent error is "error".
 */
export function driveOf(d: DriveValue | null, now: number): TrayInput['drive'] {
  if (!d) return null;
  const used = d.plans.some((p) => p.lastPushAt !== null);
  const recentError = d.lastError && now - d.lastError.at < 24 * 3600_000 ? d.lastError : null;
  if (!d.connected) return used ? { state: 'disconnected', message: d.lastError?.message ?? null } : null;
  return recentError ? { state: 'error', message: recentError.message } : { state: 'connected' };
}

/** The tray's input from the service's snapshot (or why there is none); runs come from the plans' runs. */
export function trayInputFrom(
  status: StatusValue | { error: string },
  drive: DriveValue | null,
  pausedUntil: number | null,
  now: number,
): TrayInput {
  const plans = 'error' in status ? [] : status.plans;
  return {
    statusError: 'error' in status ? status.error : null,
    plans: plans.map(planOf),
    runs: plans
      .map((p) => p.run)
      .filter((r): r is RunValue => r !== null && r.phase !== 'queued')
      .map(runOf),
    pausedUntil,
    drive: driveOf(drive, now),
  };
}
