import type { EventData } from '../../../shared/cairnEvents';
import type { Db } from '../catalog/db';
import type { HealthState } from '../health/health';
import { kvGet, kvSet } from '../catalog/kv';
import { Outbox } from './outbox';
import { issueKinds, notificationFor, type Observed } from './stateChange';
import type { Notification, Notifier } from './types';

const KEY = 'service.notifiedStates';
/** The kinds of problem last told per plan (a new one in the same state is told too). */
const KINDS = 'service.notifiedIssues';
/** The plans whose last message was a problem: only they are told "healthy again". */
const PROBLEMS = 'service.notifiedProblems';

/** Where a change of state is announced: the service's event bus is one (the monitor needs no more of it). */
export interface StatusEvents {
  emit(type: 'statusChanged', data: EventData<'statusChanged'>): void;
}

export interface MonitorDeps {
  db: Db;
  bus: StatusEvents;
  /** The channels to use now (settings may have changed). */
  notifiers: () => Notifier[] | Promise<Notifier[]>;
  /** A channel failed: log it, never throw. */
  onSendError: (channel: string, message: string) => void;
  /** The computer's name, which every message carries (os.hostname()). */
  computer: string;
}

/** A message names the computer it comes from (one person often backs up several). */
export function fromComputer(n: Notification, computer: string): Notification {
  return { ...n, computer, title: `${computer}: ${n.title}` };
}

/**
 * Watches plan states: emits statusChanged and tells every channel once per change, through the outbox
 * (kept until each channel accepts it). The last told states are kept in the catalog, so a restart does not
 * tell the same thing again.
 */
export class HealthMonitor {
  private states: Record<string, HealthState>;
  private kinds: Record<string, string[]>;
  private problems: Set<string>;
  readonly outbox: Outbox;

  constructor(private readonly d: MonitorDeps) {
    this.states = kvGet<Record<string, HealthState>>(d.db, KEY) ?? {};
    this.kinds = kvGet<Record<string, string[]>>(d.db, KINDS) ?? {};
    // Before this list was kept, a failing or waiting plan had always been told.
    const told = Object.keys(this.states).filter((p) =>
      ['failing', 'waiting-disk'].includes(this.states[p]!),
    );
    this.problems = new Set(kvGet<string[]>(d.db, PROBLEMS) ?? told);
    this.outbox = new Outbox(d);
  }

  /** Looks at the plans' current states; resolves when every message due was sent or kept for later. */
  async observe(plans: (Observed & { planName: string })[], at: number): Promise<void> {
    const posts: Notification[] = [];
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
      if (n && this.worthTelling(p.planName, n)) posts.push(n);
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
      kvSet(this.d.db, PROBLEMS, [...this.problems]);
    }
    for (const n of posts) await this.post(n);
    await this.outbox.flush(at);
  }

  /** Queues a message for every channel (kept until each accepts it) and sends what is due. */
  post(n: Notification): Promise<void> {
    return this.outbox.post(fromComputer(n, this.d.computer), n.at);
  }

  /** "Healthy again" only after a problem was told; a problem is remembered until then. */
  private worthTelling(planName: string, n: Notification): boolean {
    if (n.event !== 'recovered') {
      this.problems.add(planName);
      return true;
    }
    return this.problems.delete(planName);
  }

  /** Sends on every channel now, once (the test button); returns which ones worked and which failed. */
  async send(n: Notification): Promise<{ sent: string[]; failed: { channel: string; message: string }[] }> {
    const out = { sent: [] as string[], failed: [] as { channel: string; message: string }[] };
    const named = fromComputer(n, this.d.computer);
    await Promise.all(
      (await this.d.notifiers()).map(async (ch) => {
        try {
          await ch.send(named);
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
