// Where a notification's click leads and how urgent it is; what to tell, and when, is decided by the
// service's health monitor (once per change of state). Pure, tested in Node.
import type { DesktopViewName } from '../../shared/desktop';
import type { Notification } from '../engine/notify/types';

const VIEW: Record<Notification['event'], DesktopViewName> = {
  failing: 'activity',
  attention: 'overview',
  'waiting-disk': 'overview',
  recovered: 'history',
  success: 'history',
  test: 'settings',
};

/** The view a click on the notification opens: the log for a failure, history after a backup. */
export function notificationView(n: Pick<Notification, 'event'>): DesktopViewName {
  return VIEW[n.event];
}

/** Electron's urgency (used on Linux) for the monitor's priority: failures stay on screen. */
export function notificationUrgency(p: Notification['priority']): 'low' | 'normal' | 'critical' {
  return p === 'high' ? 'critical' : p === 'low' ? 'low' : 'normal';
}
