// Start at login, done the way each OS does it (see autostart.ts for the decision and the Linux file).
import { app } from 'electron';
import {
  autostartPath,
  HIDDEN_ARG,
  installAutostart,
  isAutostartInstalled,
  launchCommand,
  loginItemMethod,
  removeAutostart,
} from './autostart';
import type { LoginItem } from './loginSync';

/** The login item of this OS: Electron's on macOS and Windows, an XDG autostart file on Linux. */
export function createLoginItem(): LoginItem {
  const method = loginItemMethod(process.platform);
  if (method === 'electron') {
    return {
      get: () => app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin,
      set: (on) => app.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_ARG] }),
    };
  }
  if (method === 'xdg') {
    const file = autostartPath(process.env, app.getPath('home'));
    return {
      get: () => isAutostartInstalled(file),
      set: (on) =>
        on
          ? installAutostart(
              file,
              launchCommand({
                execPath: process.execPath,
                env: process.env,
                isPackaged: app.isPackaged,
                appPath: app.getAppPath(),
              }),
            )
          : removeAutostart(file),
    };
  }
  return { get: () => false, set: () => {} };
}
