import type { Health, HealthState } from '../health/health';
import type { Notification } from './types';

/** What the monitor looks at: a plan's state and reasons, and the kinds of its issues when known. */
export type Observed = Pick<Health, 'state' | 'reasons'> & { issues?: { kind: string; message: string }[] };

/** The kinds of a plan's issues, sorted, as the monitor remembers them. */
export function issueKinds(o: Observed): string[] {
  return [...new Set((o.issues ?? []).map((i) => i.kind))].sort();
}

/**
 * What to tell when a plan's state is observed: something only when the state changed (healthy, attention,
 * failing, waiting for the disk, recovered) or a new problem joined the same state (free space, a size
 * jump, Drive), never the same warning again.
 */
export function notificationFor(
  planName: string,
  previous: HealthState | null,
  current: Observed,
  at: number,
  previousKinds: string[] = [],
): Notification | null {
  const fresh = (current.issues ?? []).filter((i) => !previousKinds.includes(i.kind));
  if (previous === current.state && fresh.length === 0) return null;
  // A first look (a new plan, a first start) tells only what is wrong now, not "no backup yet".
  if (previous === null && (current.state === 'healthy' || current.state === 'attention')) return null;
  // The first backup done is not a recovery: nothing had gone wrong.
  const firstDone = previous === 'first-backup' || previousKinds.join() === 'no-backup';
  if (current.state === 'healthy' && firstDone) return null;
  const why = (previous === current.state ? fresh.map((i) => i.message) : current.reasons).join(' ');
  switch (current.state) {
    case 'first-backup':
    case 'waiting-run':
      return null; // on its way by itself: the run that follows tells
    case 'failing':
      return {
        planName,
        event: 'failing',
        title: `Backup of ${planName} is failing`,
        message: why,
        priority: 'high',
        at,
      };
    case 'waiting-disk':
      return {
        planName,
        event: 'waiting-disk',
        title: `Backup of ${planName} is waiting for the backup disk`,
        message: why,
        priority: 'default',
        at,
      };
    case 'attention':
      return {
        planName,
        event: 'attention',
        title: `Backup of ${planName} needs attention`,
        message: why,
        priority: 'default',
        at,
      };
    case 'healthy':
      return {
        planName,
        event: 'recovered',
        title: `Backup of ${planName} is healthy again`,
        message: 'The last backup completed.',
        priority: 'low',
        at,
      };
  }
}
