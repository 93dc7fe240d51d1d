import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'Cairn';

/**
 * The data directory: --data-dir, then CAIRN_DATA_DIR, then the folder Electron's app.getPath('userData')
 * gives for this app on each OS, so the CLI and the desktop app share one catalog.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CAIRN_DATA_DIR) return path.resolve(env.CAIRN_DATA_DIR);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}
