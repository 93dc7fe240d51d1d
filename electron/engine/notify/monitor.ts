import type { EventData } from '../../../shared/cairnEvents';
import type { Db } from '../catalog/db';
import type { HealthState } from '../health/health';
import { kvGet, kvSet } from '../catalog/kv';
import { notificationFor, observedKey, type Observed } from './stateChange';
import type { Notification, Notifier } from './types';

const KEY = 'service.notifiedStates';

/** Where a change of state is announced: the service's event bus is one (the monitor needs no more of it). */
export interface StatusEvents {
  emit(type: 'statusChanged', data: EventData<'statusChanged'>): void;
}

export interface MonitorDeps {
  db: Db;
  bus: StatusEvents;
  /** The channels to use now (settings may have changed). */
  notifiers: () => Notifier[];
  /** A channel failed: log it, never throw. */
  onSendError: (channel: string, message: string) => void;
}

/**
 * Watches plan states: emits statusChanged and tells every channel once per change. The last told states
 * are kept in the catalog, so a restart does not tell the same thing again.
 */
export class HealthMonitor {
  /** The last observedKey per plan: its state and the kinds of its issues. */
  private states: Record<string, string>;

  constructor(private readonly d: MonitorDeps) {
    this.states = kvGet<Record<string, string>>(d.db, KEY) ?? {};
  }

  /** Looks at the plans' current states; resolves when every notification was sent or failed. */
  async observe(plans: (Observed & { planName: string })[], at: number): Promise<void> {
    const sends: Promise<unknown>[] = [];
    let dirty = false;
    const seen = new Set<string>();
    for (const p of plans) {
      seen.add(p.planName);
      const prev = this.states[p.planName] ?? null;
      if (prev === observedKey(p)) continue;
      const n = notificationFor(p.planName, prev, p, at);
      this.states[p.planName] = observedKey(p);
      dirty = true;
      this.d.bus.emit('statusChanged', {
        planName: p.planName,
        state: p.state,
        previous: prev === null ? null : (prev.split('|')[0] as HealthState),
        reasons: p.reasons,
      });
      if (n) sends.push(this.send(n));
    }
    for (const name of Object.keys(this.states)) {
      if (!seen.has(name)) {
        delete this.states[name];
        dirty = true;
      }
    }
    if (dirty) kvSet(this.d.db, KEY, this.states);
    await Promise.all(sends);
  }

  /** Sends on every channel; returns which ones worked and which failed. */
  async send(n: Notification): Promise<{ sent: string[]; failed: { channel: string; message: string }[] }> {
    const out = { sent: [] as string[], failed: [] as { channel: string; message: string }[] };
    await Promise.all(
      this.d.notifiers().map(async (ch) => {
        try {
          await ch.send(n);
          out.sent.push(ch.name);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          out.failed.push({ channel: ch.name, message });
          this.d.onSendError(ch.name, message);
        }
      }),
    );
    return out;
  }
}
