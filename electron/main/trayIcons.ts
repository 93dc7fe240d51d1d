// Which icon file the tray shows for a state on each OS; the files are drawn by scripts/icons.mjs.
import path from 'node:path';
import type { TrayIcon } from './trayModel';

/**
 * The folder holding resources/ at run time: inside the app folder when started with `npm start`, next to
 * app.asar (electron-builder's extraResources) when packaged, where other programs can read real files.
 */
export function resourcesDir(f: { isPackaged: boolean; resourcesPath: string; appPath: string }): string {
  return path.join(f.isPackaged ? f.resourcesPath : f.appPath, 'resources');
}

/**
 * macOS gets black template images (the menu bar tints them; Electron picks @2x by name), Windows an ICO
 * with every size from 16 to 64 px for each display scale, Linux a PNG with an @2x for HiDPI panels.
 */
export function trayIconFile(dir: string, platform: NodeJS.Platform, icon: TrayIcon): string {
  if (platform === 'darwin') return path.join(dir, 'tray', 'mac', `${icon}Template.png`);
  if (platform === 'win32') return path.join(dir, 'tray', 'win', `${icon}.ico`);
  return path.join(dir, 'tray', 'linux', `${icon}.png`);
}

/** The window and notification icon (Linux and Windows; macOS uses the app bundle's). */
export function appIconFile(dir: string): string {
  return path.join(dir, 'icons', '256x256.png');
}
