// Starts the built Cairn app (dist/main/index.cjs, which loads dist/preload/index.cjs into its window) in
// this Node process against the electron double, from a temporary package folder of its own, the way
// Electron would: the main script runs, then 'ready'.
import { runCommonJs } from './cjs';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { CairnBridge } from '../../shared/desktop';
import { tempDir } from '../helpers/tmp';
import {
  createElectronDouble,
  type BrowserWindowDouble,
  type ElectronDoubleOptions,
  type TrayDouble,
} from './index';

const ROOT = path.resolve(__dirname, '../..');

/** Polls `cond` every 25 ms, at most `tries` times; fails saying what was awaited. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  tries = 1200,
): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Gave up waiting for ${what}.`);
}

export interface LaunchOptions extends Partial<Omit<ElectronDoubleOptions, 'appPath' | 'home'>> {
  /** The data folder (CAIRN_DATA_DIR); a fresh one by default. */
  dataDir?: string;
  /** More environment for the app (Drive endpoints); kept in process.env while it runs. */
  env?: NodeJS.ProcessEnv;
  /** The OS the app believes it runs on (process.platform), until it exits. */
  platform?: NodeJS.Platform;
}

/** Lays out a package folder holding the built bundles beside a small stand-in UI; returns its root. */
function packageFolder(): string {
  const work = tempDir('cairn-app-');
  // The copy and restore threads run dist/workers/*.cjs, found from the package root like the UI.
  for (const f of ['main/index.cjs', 'preload/index.cjs', 'workers/copy.cjs', 'workers/place.cjs']) {
    const built = path.join(ROOT, 'dist', f);
    if (!fs.existsSync(built)) throw new Error(`dist/${f} is not built; run \`npm run build\` first.`);
    fs.mkdirSync(path.dirname(path.join(work, 'dist', f)), { recursive: true });
    fs.copyFileSync(built, path.join(work, 'dist', f));
  }
  // The app finds its UI from the package root (package.json), as in a checkout or app.asar.
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'cairn' }));
  fs.mkdirSync(path.join(work, 'dist', 'renderer'));
  fs.writeFileSync(path.join(work, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Cairn</title>');
  return work;
}

/** Runs the main bundle with `require('electron')` answered by the double, then makes the app ready. */
export function launchApp(o: LaunchOptions = {}) {
  const work = packageFolder();
  const dataDir = o.dataDir ?? path.join(work, 'data');
  const home = path.join(work, 'home');
  Object.assign(process.env, o.env, { CAIRN_DATA_DIR: dataDir, XDG_CONFIG_HOME: path.join(home, '.config') });
  // The icons come from the checkout's resources/: next to app.asar when packaged, in the app folder if not.
  Object.assign(process, { resourcesPath: ROOT });
  const double = createElectronDouble({ ...o, appPath: ROOT, home });
  const realPlatform = process.platform;
  if (o.platform) Object.defineProperty(process, 'platform', { value: o.platform, configurable: true });
  void double.app.exited.then(() => Object.defineProperty(process, 'platform', { value: realPlatform }));

  const file = path.join(work, 'dist', 'main', 'index.cjs');
  const realRequire = createRequire(path.join(ROOT, 'package.json'));
  const req = (n: string) => (n === 'electron' ? double.electron : realRequire(n));
  runCommonJs(file, req);
  double.app.becomeReady();

  const window = (): BrowserWindowDouble => {
    const w = double.windows[0];
    if (!w) throw new Error('Cairn has opened no window.');
    return w;
  };
  const exit = async (): Promise<number> => {
    await until(() => double.app.exitCode !== null, 'Cairn to exit');
    return double.app.exitCode!;
  };
  return {
    ...double,
    double,
    work,
    dataDir,
    outDir: path.join(work, 'dist'),
    window,
    tray: (): TrayDouble => {
      const t = double.trays[0];
      if (!t) throw new Error('Cairn shows no tray icon.');
      return t;
    },
    /** `window.cairn` in the app's page: what the preload exposed. */
    cairn: () => window().webContents.world.cairn as CairnBridge,
    /** Resolves once the service answers over IPC and the tray is drawn. */
    started: () =>
      until(
        () =>
          double.ipcMain.handled().length > 0 && double.trays.length === 1 && double.trays[0]!.tooltip !== '',
        'Cairn to start',
      ),
    /** Waits (bounded) for the app to exit; returns the exit code. */
    exit,
    /** Quits as the tray's Quit does, unless it has exited already, and waits for the exit. */
    quit(): Promise<number> {
      if (double.app.exitCode === null) double.app.quit();
      return exit();
    },
  };
}

export type LaunchedApp = ReturnType<typeof launchApp>;
