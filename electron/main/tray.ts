// The tray icon: redrawn from the service's status by the pure trayView/trayMenu, on every event and once a
// minute (so "3 h ago" stays true). Menu clicks go to the actions the composition root passes in.
import { Menu, Tray, type MenuItemConstructorOptions } from 'electron';
import type { z } from 'zod';
import type { DriveStatus, Status } from '../../shared/contract';
import { trayIconFile } from './trayIcons';
import { trayInputFrom } from './trayInput';
import { trayMenu, trayView, type TrayAction } from './trayModel';

export interface TraySource {
  status(): Promise<z.output<typeof Status> | { error: string }>;
  drive(): Promise<z.output<typeof DriveStatus> | null>;
  pausedUntil(): number | null;
  /** Pausing is offered only where the scheduler supports it. */
  canPause: boolean;
}

export interface CairnTray {
  /** Redraws from a fresh status: now when `now` (a run started or ended), else coalesced (progress). */
  refresh(now?: boolean): void;
  destroy(): void;
}

/** Creates the tray icon with its menu. */
export function createTray(o: {
  resources: string;
  source: TraySource;
  onAction: (a: TrayAction) => void;
  now?: () => number;
}): CairnTray {
  const now = o.now ?? Date.now;
  const tray = new Tray(trayIconFile(o.resources, process.platform, 'idle'));
  let pending = false;
  let last = '';

  async function redraw(): Promise<void> {
    const [status, drive] = await Promise.all([o.source.status(), o.source.drive()]);
    const input = trayInputFrom(status, drive, o.source.pausedUntil(), now());
    const view = trayView(input, now());
    const entries = trayMenu(input, now()).filter(
      (e) => o.source.canPause || e.kind !== 'action' || !e.action.startsWith('pause'),
    );
    const key = JSON.stringify([view, entries]);
    if (key === last) return;
    last = key;
    tray.setImage(trayIconFile(o.resources, process.platform, view.icon));
    tray.setToolTip(view.tooltip);
    const items: MenuItemConstructorOptions[] = entries.map((e) =>
      e.kind === 'separator'
        ? { type: 'separator' }
        : e.kind === 'label'
          ? { label: e.label, enabled: false }
          : { label: e.label, enabled: e.enabled, click: () => o.onAction(e.action) },
    );
    tray.setContextMenu(Menu.buildFromTemplate(items));
  }

  function refresh(now = false): void {
    if (now) return void redraw().catch(() => {});
    if (pending) return;
    pending = true;
    // Progress events come several times a second; one redraw per half second is plenty.
    setTimeout(() => {
      pending = false;
      void redraw().catch(() => {});
    }, 500);
  }

  // Windows and Linux open the window on a click; macOS shows the menu (its convention).
  if (process.platform !== 'darwin') tray.on('click', () => o.onAction('open'));
  const timer = setInterval(refresh, 60_000);
  void redraw().catch(() => {});
  return {
    refresh,
    destroy: () => {
      clearInterval(timer);
      tray.destroy();
    },
  };
}
