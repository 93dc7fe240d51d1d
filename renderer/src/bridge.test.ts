import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/cairnEvents';
import { startBridge } from './bridge';
import type { Connection } from './client';
import { createAppStore } from './store/store';
import { fakeApi } from './testing/fakeApi';
import { samplePlan, samplePlanStatus, sampleRun, sampleStatus } from './testing/samples';

function fakeConnection() {
  let handlers: { event(t: EventName, d: unknown): void; open(): void; down(): void } | null = null;
  let state = sampleStatus();
  const f = fakeApi({ status: () => state, runList: () => [], planList: () => [samplePlan()] });
  const conn: Connection = {
    api: f.api,
    desktop: null,
    subscribe(event, open, down) {
      handlers = { event, open, down };
      return () => (handlers = null);
    },
  };
  return { conn, f, h: () => handlers!, setStatus: (s: typeof state) => (state = s) };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the event bridge', () => {
  it('loads a snapshot on open, applies events, and loads a fresh snapshot after a reconnect', async () => {
    const store = createAppStore();
    const { conn, f, h, setStatus } = fakeConnection();
    const stop = startBridge(store, conn);
    h().open();
    await settle();
    expect(store.getState().connection).toBe('live');
    expect(store.getState().plans?.map((p) => p.name)).toEqual(['docs']);
    expect(store.getState().status?.plans[0]?.state).toBe('healthy');

    h().event('runProgress', sampleRun({ files: 77 }));
    expect(store.getState().runs.docs?.files).toBe(77);

    h().down();
    expect(store.getState().connection).toBe('down');
    setStatus(sampleStatus([samplePlanStatus({ state: 'failing', reasons: ['The backup disk is full.'] })]));
    h().open();
    await settle();
    expect(store.getState().status?.plans[0]?.state).toBe('failing');
    expect(f.calls.filter((c) => c.method === 'status')).toHaveLength(2);
    stop();
  });

  it('a finished run refreshes the snapshot and asks views to fetch backups again', async () => {
    const store = createAppStore();
    const { conn, f, h } = fakeConnection();
    startBridge(store, conn);
    h().open();
    await settle();
    h().event('runFinished', {
      runId: 'r1',
      planName: 'docs',
      outcome: 'complete',
      backup: null,
      error: null,
    });
    await settle();
    expect(store.getState().backupsVersion).toBe(1);
    expect(f.calls.filter((c) => c.method === 'status')).toHaveLength(2);
  });

  it('shows the service message when status fails, never made-up figures', async () => {
    const store = createAppStore();
    const f = fakeApi({
      status: () => ({ ok: false, error: { code: 'io', message: 'The catalog cannot be read.' } }),
      runList: () => [],
      planList: () => [],
    });
    startBridge(store, { api: f.api, desktop: null, subscribe: (_e, open) => (open(), () => {}) });
    await settle();
    expect(store.getState().status).toBeNull();
    expect(store.getState().statusError).toBe('The catalog cannot be read.');
  });
});
