import type { Health, HealthState } from '../health/health';
import type { Notification } from './types';

/**
 * What to tell when a plan's state is observed: something only when the state changed (healthy, attention,
 * failing, waiting for the disk, recovered), never the same warning again.
 */
export function notificationFor(
  planName: string,
  previous: HealthState | null,
  current: Health,
  at: number,
): Notification | null {
  if (previous === current.state) return null;
  // A first look (a new plan, a first start) tells only what is wrong now, not "no backup yet".
  if (previous === null && (current.state === 'healthy' || current.state === 'attention')) return null;
  const why = current.reasons.join(' ');
  switch (current.state) {
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
