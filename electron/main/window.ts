// The main window: created on demand, hidden (not destroyed) on close so Cairn stays in the tray, and
// kept on app:// with every other navigation, window and webview refused.
import { BrowserWindow, shell } from 'electron';
import type { DesktopViewName } from '../../shared/desktop';
import { NAVIGATE_CHANNEL } from '../../shared/desktop';
import { allowExternal, allowNavigation, allowPermission, APP_ORIGIN, windowOptions } from './security';

export interface MainWindow {
  /** Shows the window (creating it if needed), optionally on a view. */
  show(view?: DesktopViewName): void;
  /** The window if it exists. */
  current(): BrowserWindow | null;
  /** Lets the next close really close (quitting). */
  allowClose(): void;
}

/** Creates the window manager; nothing is shown until show() (a login start stays in the tray). */
export function createMainWindow(o: { preload: string; icon?: string; devTools: boolean }): MainWindow {
  let win: BrowserWindow | null = null;
  let quitting = false;

  function create(view: DesktopViewName): BrowserWindow {
    const w = new BrowserWindow(windowOptions(o.preload, o.icon, o.devTools));
    const wc = w.webContents;
    wc.setWindowOpenHandler(({ url }) => {
      if (allowExternal(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    wc.on('will-navigate', (e, url) => {
      if (!allowNavigation(url)) {
        e.preventDefault();
        if (allowExternal(url)) void shell.openExternal(url);
      }
    });
    wc.on('will-frame-navigate', (e) => {
      if (!allowNavigation(e.url)) e.preventDefault();
    });
    wc.on('will-redirect', (e, url) => {
      if (!allowNavigation(url)) e.preventDefault();
    });
    wc.on('will-attach-webview', (e) => e.preventDefault());
    wc.session.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(allowPermission(permission)),
    );
    w.on('close', (e) => {
      if (!quitting) {
        e.preventDefault();
        w.hide();
      }
    });
    w.on('closed', () => (win = null));
    w.once('ready-to-show', () => w.show());
    void w.loadURL(`${APP_ORIGIN}/#/${view}`);
    return w;
  }

  return {
    show(view) {
      if (!win) {
        win = create(view ?? 'overview');
        return;
      }
      if (view) win.webContents.send(NAVIGATE_CHANNEL, view);
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    },
    current: () => win,
    allowClose: () => {
      quitting = true;
    },
  };
}
