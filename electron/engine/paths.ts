import fs from 'node:fs';
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

/**
 * Cairn's package folder (package.json, dist/), found by walking up from a file inside it: the CLI's
 * bundle chunks, the Electron main bundle and an app.asar all sit somewhere below it, however the bundle
 * is split. Null when no Cairn package.json is above the file.
 */
export function packageRoot(fromFile: string): string | null {
  let dir = path.dirname(fromFile);
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'cairn') return dir;
    } catch {
      // no package.json here, or not one we can read: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The built UI (dist/renderer under the package root); a missing folder makes `serve` say it is not built. */
export function builtRendererDir(fromFile: string): string {
  const root = packageRoot(fromFile);
  return root ? path.join(root, 'dist', 'renderer') : path.join(path.dirname(fromFile), 'renderer');
}
