// The event bridge, outside React: a snapshot first (status, runs, plans), then the service's events into
// the store; after the stream reconnects, a fresh snapshot (STYLE.md habit 6).
import type { EventData, EventName } from '../../shared/cairnEvents';
import type { CairnApi } from '../../shared/contract';
import type { Connection } from './client';
import type { AppStore } from './store/store';

/** Fetches status, runs and plans into the store; failures become the service's message, never made-up data. */
export async function loadSnapshot(store: AppStore, api: CairnApi): Promise<void> {
  const [status, runs, plans] = await Promise.all([api.status({}), api.runList({}), api.planList({})]);
  const s = store.getState();
  if (status.ok) s.setStatus(status.value);
  else s.setStatusError(status.error.message);
  if (runs.ok) s.setRuns(runs.value);
  if (plans.ok) s.setPlans(plans.value);
  else s.setPlansError(plans.error.message);
}

/** Fetches one plan's backups (newest first) into the store. */
export async function loadBackups(store: AppStore, api: CairnApi, plan: string): Promise<void> {
  const r = await api.backupList({ plan, includeFailed: true, limit: 10_000 });
  if (r.ok) store.getState().setBackups(plan, r.value.backups);
  else store.getState().setBackupsError(r.error.message);
}

/** Applies one event to the store; a finished run also refreshes the snapshot (its figures changed). */
export function applyEvent(store: AppStore, api: CairnApi, type: EventName, data: unknown): void {
  const s = store.getState();
  switch (type) {
    case 'runProgress':
      return s.applyRunProgress(data as EventData<'runProgress'>);
    case 'runFinished':
      s.applyRunFinished(data as EventData<'runFinished'>);
      s.invalidateBackups();
      void loadSnapshot(store, api);
      return;
    case 'statusChanged':
      return s.applyStatusChanged(data as EventData<'statusChanged'>);
    case 'changesCounted':
      return s.applyChangesCounted(data as EventData<'changesCounted'>);
    case 'restoreProgress':
      return s.applyRestoreProgress(data as EventData<'restoreProgress'>);
    case 'driveProgress':
      return;
  }
}

/** Starts the bridge: subscribe, and on every (re)connect load a fresh snapshot. Returns the stop function. */
export function startBridge(store: AppStore, conn: Connection): () => void {
  return conn.subscribe(
    (type, data) => applyEvent(store, conn.api, type, data),
    () => {
      store.getState().setConnection('live');
      void loadSnapshot(store, conn.api);
    },
    () => store.getState().setConnection('down'),
  );
}
