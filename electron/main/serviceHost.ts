// What the shell needs from the service, in one place: calls, events, runs, sleep and shutdown. Built over
// the service runtime in this process (no electron import here, so the same host runs in Node tests).
import type { z } from 'zod';
import type { CairnEvent } from '../../shared/cairnEvents';
import type { DriveStatus, Status } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { openCatalog } from '../engine/catalog/db';
import type { Notifier } from '../engine/notify/types';
import { CairnRuntime } from '../engine/service/runtime';
import { SchedulePause } from './schedulePause';

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
  /** Pausing the schedule from the tray (null where it is not supported). */
  pause: { until(): number | null; set(until: number | null): void } | null;
  close(): Promise<void>;
}

/**
 * Opens the catalog in the data directory and starts the runtime the app shares with `cairn serve`:
 * service, scheduler, watchers and health monitor, telling through the given notifier.
 */
export async function openShellHost(
  dataDir: string,
  o: { notifier: Notifier; log: (line: string) => void },
): Promise<ShellHost> {
  const db = openCatalog(dataDir);
  const runtime = new CairnRuntime({ db, actor: 'ui', localNotifier: o.notifier, log: o.log });
  await runtime.start();
  const { service } = runtime;
  const runs = service.runs;
  const schedule = new SchedulePause(runtime.scheduler);
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
  return {
    call: (m, i) => service.call(m, i),
    onEvent: (l) => service.bus.on(l),
    activeRuns: () => runs.list().map((r) => ({ planName: r.planName, phase: r.phase })),
    cancelAll: () => runs.cancelAll(),
    whenIdle,
    // Asleep: no cron firing, and a running backup is cancelled cleanly (the runtime's own suspend).
    suspend: () => {
      schedule.sleep(true);
      return runs.cancelAll();
    },
    resume: () => schedule.sleep(false),
    pause: { until: () => schedule.pausedUntil(), set: (t) => schedule.set(t) },
    close: async () => {
      schedule.close();
      await runtime.close();
      db.close();
    },
  };
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
