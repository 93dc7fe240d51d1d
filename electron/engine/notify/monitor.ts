import type { EventData } from '../../../shared/cairnEvents';
import type { Db } from '../catalog/db';
import type { HealthState } from '../health/health';
import { kvGet, kvSet } from '../catalog/kv';
import { issueKinds, notificationFor, type Observed } from './stateChange';
import type { Notification, Notifier } from './types';

const KEY = 'service.notifiedStates';
/** The kinds of problem last told per plan (a new one in the same state is told too). */
const KINDS = 'service.notifiedIssues';

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
  private states: Record<string, HealthState>;
  private kinds: Record<string, string[]>;

  constructor(private readonly d: MonitorDeps) {
    this.states = kvGet<Record<string, HealthState>>(d.db, KEY) ?? {};
    this.kinds = kvGet<Record<string, string[]>>(d.db, KINDS) ?? {};
  }

  /** Looks at the plans' current states; resolves when every notification was sent or failed. */
  async observe(plans: (Observed & { planName: string })[], at: number): Promise<void> {
    const sends: Promise<unknown>[] = [];
    let dirty = false;
    const seen = new Set<string>();
    for (const p of plans) {
      seen.add(p.planName);
      const prev = this.states[p.planName] ?? null;
      // Kinds were not kept before: a state already told is not told again for them.
      const prevKinds = this.kinds[p.planName] ?? (prev === p.state ? issueKinds(p) : []);
      if (prev === p.state && prevKinds.join() === issueKinds(p).join()) continue;
      const n = notificationFor(p.planName, prev, p, at, prevKinds);
      this.states[p.planName] = p.state;
      this.kinds[p.planName] = issueKinds(p);
      dirty = true;
      this.d.bus.emit('statusChanged', {
        planName: p.planName,
        state: p.state,
        previous: prev,
        reasons: p.reasons,
      });
      if (n) sends.push(this.send(n));
    }
    for (const name of Object.keys(this.states)) {
      if (!seen.has(name)) {
        delete this.states[name];
        delete this.kinds[name];
        dirty = true;
      }
    }
    if (dirty) {
      kvSet(this.d.db, KEY, this.states);
      kvSet(this.d.db, KINDS, this.kinds);
    }
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
