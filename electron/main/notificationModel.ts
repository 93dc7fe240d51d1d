// Which desktop notification an event deserves, if any, and which view a click opens. Pure: the service
// emits statusChanged once per change of state, so this never repeats the same warning.
import type { CairnEvent } from '../../shared/cairnEvents';
import type { DesktopViewName } from '../../shared/desktop';
import { bytesText } from './timeText';

export interface NotificationSpec {
  title: string;
  body: string;
  view: DesktopViewName;
  urgency: 'normal' | 'critical';
}

export interface NotifyPrefs {
  desktop: boolean;
  onSuccess: boolean;
}

/** The notification for an event under the user's preferences, or null. */
export function notificationFor(e: CairnEvent, prefs: NotifyPrefs): NotificationSpec | null {
  if (!prefs.desktop) return null;
  if (e.type === 'statusChanged') {
    const { planName: plan, state, previous, reasons } = e.data;
    if (state === previous) return null;
    const why = reasons[0];
    switch (state) {
      case 'failing':
        return {
          title: `Backup of ${plan} failed`,
          body: why ?? 'Open Cairn to see what went wrong.',
          view: 'activity',
          urgency: 'critical',
        };
      case 'attention':
        return {
          title: `${plan} needs attention`,
          body: why ?? 'Open Cairn to see why.',
          view: 'overview',
          urgency: 'normal',
        };
      case 'waiting-disk':
        return {
          title: `Waiting for the backup disk of ${plan}`,
          body: why ?? 'Connect the disk; Cairn backs up as soon as it is back.',
          view: 'overview',
          urgency: 'normal',
        };
      case 'healthy':
        return previous === null
          ? null
          : {
              title: `${plan} is backed up again`,
              body: why ?? 'The last backup completed.',
              view: 'history',
              urgency: 'normal',
            };
    }
  }
  if (e.type === 'runFinished' && prefs.onSuccess && e.data.backup) {
    const b = e.data.backup;
    if (e.data.outcome !== 'complete' && e.data.outcome !== 'warnings') return null;
    return {
      title: `Backup of ${e.data.planName} done`,
      body:
        `${b.files.toLocaleString('en-US')} files, ${b.newFiles.toLocaleString('en-US')} new or changed ` +
        `(${bytesText(b.newBytes)})${b.warnings ? `, ${b.warnings} skipped` : ''}.`,
      view: 'history',
      urgency: 'normal',
    };
  }
  return null;
}
