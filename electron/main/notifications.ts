// The service's desktop notifier, backed by Electron's Notification; a click opens the view it is about.
import { Notification as ElectronNotification } from 'electron';
import type { DesktopViewName } from '../../shared/desktop';
import type { Notifier } from '../engine/notify/types';
import { notificationUrgency, notificationView } from './notificationModel';

/** The local channel the runtime tells through (it decides what and when, once per change of state). */
export function desktopNotifier(o: { icon?: string; open: (view: DesktopViewName) => void }): Notifier {
  // Keep shown notifications referenced: a collected one loses its click handler on some platforms.
  const shown = new Set<ElectronNotification>();
  return {
    name: 'desktop',
    send: async (n) => {
      if (!ElectronNotification.isSupported()) return;
      const note = new ElectronNotification({
        title: n.title,
        body: n.message,
        urgency: notificationUrgency(n.priority),
        ...(o.icon ? { icon: o.icon } : {}),
      });
      shown.add(note);
      note.on('click', () => o.open(notificationView(n)));
      note.on('close', () => shown.delete(note));
      note.show();
    },
  };
}
