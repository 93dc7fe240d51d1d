// Binds the contract to IPC: one ipcMain.handle per method, each checking the sender frame and the input
// (ipcGuard), and the service's events sent to the window. Plus the desktop extras (folder picker).
import fs from 'node:fs';
import { dialog, ipcMain, shell, type BrowserWindow } from 'electron';
import { EVENT_CHANNEL, type CairnEvent } from '../../shared/cairnEvents';
import { ipcChannel, methodNames, methods } from '../../shared/contract';
import {
  desktopMethods,
  MANIFEST_CHANNEL,
  PICK_FOLDER_CHANNEL,
  SHOW_PATH_CHANNEL,
} from '../../shared/desktop';
import { bridgeManifest } from './bridgeManifest';
import { ok } from '../../shared/result';
import { guardedCall } from './ipcGuard';
import type { ShellHost } from './serviceHost';

const PICK_TITLES = {
  source: 'Choose a folder to back up',
  destination: 'Choose where backups go',
  'restore-target': 'Choose where to restore',
} as const;

/** Registers every handler; afterCall lets the shell follow changes it owns (start at login). */
export function bindIpc(o: {
  host: ShellHost;
  window: () => BrowserWindow | null;
  afterCall?: (method: string, result: unknown) => void;
}): () => void {
  // Public names only (the calls themselves are guarded), so it is answered to any frame.
  const manifest = bridgeManifest();
  ipcMain.on(MANIFEST_CHANNEL, (e) => {
    e.returnValue = manifest;
  });
  for (const m of methodNames) {
    ipcMain.handle(ipcChannel(m), async (e, input: unknown) => {
      const r = await guardedCall(methods, e.senderFrame, m, input, (method, parsed) =>
        o.host.call(method, parsed),
      );
      if (r.ok) o.afterCall?.(m, r.value);
      return r;
    });
  }
  ipcMain.handle(PICK_FOLDER_CHANNEL, (e, input: unknown) =>
    guardedCall(desktopMethods, e.senderFrame, 'pickFolder', input, async (_m, parsed) => {
      const p = desktopMethods.pickFolder.input.parse(parsed);
      const win = o.window();
      const options = {
        title: p.title ?? PICK_TITLES[p.purpose],
        properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[],
        ...(p.defaultPath ? { defaultPath: p.defaultPath } : {}),
      };
      const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return ok({ path: res.canceled ? null : (res.filePaths[0] ?? null) });
    }),
  );
  ipcMain.handle(SHOW_PATH_CHANNEL, (e, input: unknown) =>
    guardedCall(desktopMethods, e.senderFrame, 'showPath', input, async (_m, parsed) => {
      const p = desktopMethods.showPath.input.parse(parsed);
      return ok(await showPath(p.path));
    }),
  );
  const off = o.host.onEvent((ev: CairnEvent) => {
    const w = o.window();
    if (w && !w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, ev);
  });
  return () => {
    off();
    for (const m of methodNames) ipcMain.removeHandler(ipcChannel(m));
    ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
    ipcMain.removeHandler(SHOW_PATH_CHANNEL);
    ipcMain.removeAllListeners(MANIFEST_CHANNEL);
  };
}

/** A folder opened in the file manager, a file shown in its folder; a path that is gone says so. */
async function showPath(p: string): Promise<{ shown: boolean; message: string | null }> {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return { shown: false, message: `${p} is not there.` };
  }
  if (!st.isDirectory()) {
    shell.showItemInFolder(p);
    return { shown: true, message: null };
  }
  const err = await shell.openPath(p);
  return err ? { shown: false, message: err } : { shown: true, message: null };
}
