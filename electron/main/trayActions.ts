// What each tray menu item does, against the service host; no electron here, so it runs in Node tests.
import type { z } from 'zod';
import type { Status } from '../../shared/contract';
import type { DesktopViewName } from '../../shared/desktop';
import type { ShellHost } from './serviceHost';
import { startOfTomorrow } from './timeText';
import type { TrayAction } from './trayModel';

async function planNames(host: ShellHost): Promise<string[]> {
  const r = await host.call('status', {});
  return r.ok ? (r.value as z.output<typeof Status>).plans.map((p) => p.planName) : [];
}

/** Runs a tray action: back up every plan, cancel, pause or resume, open a view, or quit. */
export async function runTrayAction(
  action: TrayAction,
  o: { host: ShellHost; show: (view?: DesktopViewName) => void; quit: () => void; now?: () => number },
): Promise<void> {
  const now = (o.now ?? Date.now)();
  switch (action) {
    case 'backup-now':
      // The queue runs them one after the other; a plan already queued is not queued twice.
      for (const plan of await planNames(o.host)) await o.host.call('runNow', { plan });
      return;
    case 'cancel':
      for (const r of o.host.activeRuns()) await o.host.call('runCancel', { plan: r.planName });
      return;
    // The service's pauseSet: the same pause the UI, `cairn serve` and `cairn pause` set.
    case 'pause-hour':
      await o.host.pause?.set(now + 3600_000);
      return;
    case 'pause-tomorrow':
      await o.host.pause?.set(startOfTomorrow(now));
      return;
    case 'resume':
      await o.host.pause?.set(null);
      return;
    case 'restore':
      return o.show('restore');
    case 'open':
      return o.show();
    case 'quit':
      return o.quit();
  }
}
