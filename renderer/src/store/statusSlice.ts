// The health of every plan, the runs in progress and restores in progress: the snapshot plus its events.
import type { StateCreator } from 'zustand';
import type { EventData } from '../../../shared/cairnEvents';
import type { RunProgress, Status } from '../../../shared/contract';
import type { z } from 'zod';
import type { AppState } from './store';

type Run = z.output<typeof RunProgress>;
type StatusValue = z.output<typeof Status>;

export interface StatusSlice {
  status: StatusValue | null;
  statusError: string | null;
  /** Runs by plan name, from runList and runProgress events. */
  runs: Record<string, Run>;
  /** The last finished run per plan (from runFinished), to show its outcome. */
  finished: Record<string, EventData<'runFinished'>>;
  restoreProgress: EventData<'restoreProgress'> | null;
  setStatus(status: StatusValue): void;
  setStatusError(message: string | null): void;
  setRuns(runs: Run[]): void;
  applyRunProgress(run: Run): void;
  applyRunFinished(e: EventData<'runFinished'>): void;
  applyStatusChanged(e: EventData<'statusChanged'>): void;
  applyChangesCounted(e: EventData<'changesCounted'>): void;
  applyRestoreProgress(e: EventData<'restoreProgress'> | null): void;
}

/** Creates the status slice; events patch the snapshot until the next snapshot replaces it. */
export const createStatusSlice: StateCreator<AppState, [], [], StatusSlice> = (set) => ({
  status: null,
  statusError: null,
  runs: {},
  finished: {},
  restoreProgress: null,
  setStatus: (status) => set({ status, statusError: null }),
  setStatusError: (statusError) => set({ statusError }),
  setRuns: (runs) => set({ runs: Object.fromEntries(runs.map((r) => [r.planName, r])) }),
  // A runNow answer can arrive after the run's own runFinished event: a finished run never comes back.
  applyRunProgress: (run) =>
    set((s) =>
      s.finished[run.planName]?.runId === run.runId ? {} : { runs: { ...s.runs, [run.planName]: run } },
    ),
  applyRunFinished: (e) =>
    set((s) => {
      const runs = { ...s.runs };
      if (runs[e.planName]?.runId === e.runId) delete runs[e.planName];
      return { runs, finished: { ...s.finished, [e.planName]: e } };
    }),
  applyStatusChanged: (e) =>
    set((s) => {
      if (!s.status) return {};
      const plans = s.status.plans.map((p) =>
        p.planName === e.planName ? { ...p, state: e.state, reasons: e.reasons } : p,
      );
      return { status: { ...s.status, plans } };
    }),
  applyChangesCounted: (e) =>
    set((s) => {
      if (!s.status) return {};
      const plans = s.status.plans.map((p) =>
        p.planName === e.planName ? { ...p, changedFiles: e.changedFiles } : p,
      );
      return { status: { ...s.status, plans } };
    }),
  applyRestoreProgress: (restoreProgress) => set({ restoreProgress }),
});
