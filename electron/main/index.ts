// Cairn's Electron main process: a composition root. Each concern lives in its own module; the decisions
// they make are pure functions tested in Node (trayModel, security, ipcGuard, autostart, quitModel, ...).
import { app, dialog, Menu, shell } from 'electron';
import path from 'node:path';
import { builtRendererDir, defaultDataDir } from '../engine/paths';
import { appMenuTemplate } from './appMenu';
import { registerAppScheme, serveRenderer } from './appProtocol';
import { startedAtLogin } from './autostart';
import { bindIpc } from './ipc';
import { createLoginItem } from './loginItems';
import { syncLoginItem } from './loginSync';
import { desktopNotifier } from './notifications';
import { watchPower } from './power';
import { quitPrompt } from './quitModel';
import { safeStorageKeychain } from './secrets';
import { driveOrNull, openShellHost, statusOrError } from './serviceHost';
import { claimSingleInstance } from './singleInstance';
import { createTray } from './tray';
import { trayRedrawsNow } from './trayModel';
import { runTrayAction } from './trayActions';
import { appIconFile, resourcesDir } from './trayIcons';
import { createMainWindow } from './window';

const dataDir = defaultDataDir();
registerAppScheme();
app.setPath('userData', dataDir);
app.setAppUserModelId('app.cairn.desktop');
const paths = { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath() };
const resources = resourcesDir(paths);
const icon = appIconFile(resources);
const win = createMainWindow({
  preload: path.join(__dirname, '../preload/index.cjs'),
  icon,
  devTools: !app.isPackaged,
});

// A second Cairn only brings the first one's window forward and ends before opening anything.
if (claimSingleInstance(() => void app.whenReady().then(() => win.show()))) {
  // Closing the window keeps Cairn in the tray; only Quit ends it. The macOS Dock icon brings it back.
  app.on('window-all-closed', () => {});
  app.on('activate', () => app.isReady() && win.show());
  void app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      // Without this, a start that fails (a damaged catalog, an unwritable data folder) leaves a process
      // with no window and no tray, saying nothing.
      dialog.showErrorBox('Cairn could not start', e instanceof Error ? e.message : String(e));
      app.exit(1);
    });
} else app.exit(0);

async function start(): Promise<void> {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuTemplate({ isPackaged: app.isPackaged, platform: process.platform })),
  );
  serveRenderer(builtRendererDir(__filename));
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const notifier = desktopNotifier({ icon, open: (v) => win.show(v) });
  const { host, secretsNote } = await openShellHost(dataDir, {
    keychain: safeStorageKeychain(),
    notifier,
    log,
    openUrl: (url) => shell.openExternal(url),
  });
  const afterCall = await syncLoginItem(host, createLoginItem());
  const tray = createTray({
    resources,
    source: {
      status: () => statusOrError(host),
      drive: () => driveOrNull(host),
      pausedUntil: () => host.pause?.until() ?? null,
      canPause: host.pause !== null,
    },
    onAction: (a) =>
      void runTrayAction(a, { host, show: (v) => win.show(v), quit: () => app.quit() }).then(() =>
        tray.refresh(true),
      ),
  });
  const phases = new Map<string, string>();
  host.onEvent((e) => tray.refresh(trayRedrawsNow(e, phases)));
  bindIpc({ host, window: () => win.current(), afterCall });
  watchPower({ suspend: host.suspend, resume: host.resume, shutdown: () => void host.cancelAll() });
  log(`Cairn keeps its data in ${dataDir}. ${secretsNote}`);

  let closing = false;
  app.on('before-quit', (e) => {
    // Once the answer is given, the service is closed first; the exit comes after that, never before.
    e.preventDefault();
    if (closing) return;
    const prompt = quitPrompt(host.activeRuns());
    const answer = prompt
      ? prompt.answers[dialog.showMessageBoxSync({ type: 'question', ...prompt })]
      : 'cancel';
    if (answer === 'stay') return;
    closing = true;
    win.allowClose();
    // Waiting or cancelling, the service ends with no partial backup; then the catalog is closed.
    void (answer === 'wait' ? host.whenIdle() : Promise.resolve())
      .then(() => host.close())
      .finally(() => {
        tray.destroy();
        app.exit(0);
      });
  });
  const wasOpenedAtLogin = app.getLoginItemSettings().wasOpenedAtLogin;
  if (!startedAtLogin(process.argv, process.platform, wasOpenedAtLogin)) win.show();
}
