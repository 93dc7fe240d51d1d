// Desktop notifications through Electron's Notification; a click opens the view the notification is about.
import { Notification } from 'electron';
import type { CairnEvent } from '../../shared/cairnEvents';
import type { DesktopViewName } from '../../shared/desktop';
import { notificationFor, type NotifyPrefs } from './notificationModel';

/** Shows the notification an event deserves (if any) under the current preferences. */
export function createNotifier(o: {
  icon?: string;
  prefs: () => NotifyPrefs;
  open: (view: DesktopViewName) => void;
}): (e: CairnEvent) => void {
  // Keep shown notifications referenced: a collected one loses its click handler on some platforms.
  const shown = new Set<Notification>();
  return (e) => {
    if (!Notification.isSupported()) return;
    const spec = notificationFor(e, o.prefs());
    if (!spec) return;
    const n = new Notification({
      title: spec.title,
      body: spec.body,
      urgency: spec.urgency,
      ...(o.icon ? { icon: o.icon } : {}),
    });
    shown.add(n);
    n.on('click', () => o.open(spec.view));
    n.on('close', () => shown.delete(n));
    n.show();
  };
}
