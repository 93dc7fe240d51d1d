// What the shell needs from the service, in one place: calls, events, runs, sleep and shutdown. Built over
// CairnService in this process (no electron import here, so the same host runs in Node tests).
import type { CairnEvent } from '../../shared/cairnEvents';
import type { Result } from '../../shared/result';
import { openCatalog } from '../engine/catalog/db';
import { CairnService } from '../engine/service/service';

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
  /** Pausing the schedule, where the service supports it (null: not supported). */
  pause: { until(): number | null; set(until: number | null): void } | null;
  close(): Promise<void>;
}

/** Opens the catalog in the data directory and starts the service for the app. */
export function openShellHost(dataDir: string): ShellHost {
  const db = openCatalog(dataDir);
  const service = new CairnService({ db, actor: 'ui' });
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
  return {
    call: (m, i) => service.call(m, i),
    onEvent: (l) => service.bus.on(l),
    activeRuns: () => runs.list().map((r) => ({ planName: r.planName, phase: r.phase })),
    cancelAll: () => runs.cancelAll(),
    whenIdle,
    // A run cut by sleep would fail on a half-read disk: cancel it cleanly; the next start catches up.
    suspend: () => runs.cancelAll(),
    resume: () => {},
    pause: null,
    close: async () => {
      await runs.cancelAll();
      db.close();
    },
  };
}

/** The value of a successful call as the caller's expected type, or null on failure (tray refreshes). */
export function valueOf<T>(r: Result<unknown>): T | null {
  return r.ok ? (r.value as T) : null;
}
