// What the shell needs from the service, in one place: calls, events, runs, sleep and shutdown. Built over
// the service runtime in this process (no electron import here, so the same host runs in Node tests).
import type { z } from 'zod';
import type { CairnEvent } from '../../shared/cairnEvents';
import type { DriveStatus, Status } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { openCairn, type FaceAdapters } from '../engine/app/open';

export interface ShellHost {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (e: CairnEvent) => void): () => void;
  /** Plans with a queued or running backup. */
  activeRuns(): { planName: string; phase: string }[];
  /** Cancels every run; resolves once nothing runs and no partial backup is left. */
  cancelAll(): Promise<void>;
  /** Resolves when no run is queued or running. */
  whenIdle(): Promise<void>;
  /** The machine is going to sleep / woke up. */
  suspend(): Promise<void>;
  resume(): void;
  /**
   * Pausing the schedule from the tray, through the service's pauseSet (null where it is not supported);
   * `until` is Infinity for a pause until resumed.
   */
  pause: { until(): number | null; set(until: number | null): Promise<unknown> } | null;
  close(): Promise<void>;
}

/**
 * Opens Cairn for the data directory through the composition root `cairn serve` uses too (service,
 * scheduler, watchers, health monitor, Drive), with the app's adapters: the keychain, desktop
 * notifications, and the system browser for Drive's consent page.
 */
export async function openShellHost(
  dataDir: string,
  o: Omit<FaceAdapters, 'actor'>,
): Promise<{ host: ShellHost; secretsNote: string }> {
  const cairn = await openCairn(dataDir, { ...o, actor: 'ui' });
  const { runtime } = cairn;
  const { service } = runtime;
  const runs = service.runs;
  const whenIdle = () =>
    new Promise<void>((resolve) => {
      if (runs.list().length === 0) return resolve();
      const off = runs.onEnd(() => {
        if (runs.list().length === 0) {
          off();
          resolve();
        }
      });
    });
  const host: ShellHost = {
    call: (m, i) => service.call(m, i),
    onEvent: (l) => service.bus.on(l),
    activeRuns: () => runs.list().map((r) => ({ planName: r.planName, phase: r.phase })),
    cancelAll: () => runs.cancelAll(),
    whenIdle,
    // Asleep: no cron firing, and a running backup is cancelled cleanly (the runtime's own suspend).
    suspend: () => runtime.suspend(),
    resume: () => runtime.resume(),
    pause: {
      until: () => {
        const p = runtime.pause.current();
        return p ? (p.until ?? Infinity) : null;
      },
      set: (until) => service.call('pauseSet', { until }),
    },
    close: () => cairn.close(),
  };
  return { host, secretsNote: cairn.secretsChoice.note };
}

/** The service's status, or why it could not be read (the tray shows that rather than "all well"). */
export async function statusOrError(host: ShellHost): Promise<z.output<typeof Status> | { error: string }> {
  const r = await host.call('status', {});
  return r.ok ? (r.value as z.output<typeof Status>) : { error: r.error.message };
}

/** Drive's status, or null when Drive is not set up or not available in this build. */
export async function driveOrNull(host: ShellHost): Promise<z.output<typeof DriveStatus> | null> {
  const r = await host.call('driveStatus', {});
  return r.ok ? (r.value as z.output<typeof DriveStatus>) : null;
}
