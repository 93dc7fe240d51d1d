// A thin double of the `electron` module: the parts Cairn's main process and preload use, each recording
// what it was asked so a test can check the wiring (the Electron binary cannot run here). load.ts runs the
// built bundles against it.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppDouble } from './app';
import { IpcMainDouble } from './ipc';
import { safeStorageDouble } from './safeStorage';
import { browserWindowDouble, type BrowserWindowDouble } from './window';

export type { AppDouble } from './app';
export type { BrowserWindowDouble } from './window';

/** A menu as Menu.buildFromTemplate returns it here: the template itself. */
export interface MenuItem {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

export class TrayDouble {
  tooltip = '';
  menu: MenuItem[] = [];
  destroyed = false;
  /** Every (icon, tooltip) the tray showed, in order. */
  readonly shown: { image: string; tooltip: string }[] = [];
  readonly handlers = new Map<string, () => void>();
  constructor(public image: string) {}
  setImage(image: string): void {
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
    this.shown.push({ image: this.image, tooltip });
  }
  setContextMenu(menu: { items: MenuItem[] }): void {
    this.menu = menu.items;
  }
  on(event: string, f: () => void): void {
    this.handlers.set(event, f);
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export interface ElectronDoubleOptions {
  appPath: string;
  home: string;
  isPackaged?: boolean;
  singleInstance?: boolean;
  wasOpenedAtLogin?: boolean;
  keyring?: 'gnome_libsecret' | 'basic_text';
  /** Picks the button of a message box (dialog.showMessageBoxSync); the cancel button by default. */
  answer?: (box: { buttons: string[]; cancelId?: number }) => number;
}

/** Builds the fake `electron` exports and the records a test reads. */
export function createElectronDouble(o: ElectronDoubleOptions) {
  const windows: BrowserWindowDouble[] = [];
  const trays: TrayDouble[] = [];
  const ipcMain = new IpcMainDouble();
  const app = new AppDouble(
    {
      isPackaged: o.isPackaged ?? false,
      appPath: o.appPath,
      home: o.home,
      singleInstance: o.singleInstance ?? true,
      wasOpenedAtLogin: o.wasOpenedAtLogin ?? false,
    },
    () => windows,
  );
  const safeStorage = safeStorageDouble(o.keyring);
  const record = {
    schemes: null as unknown,
    serve: null as ((r: Request) => Promise<Response>) | null,
    applicationMenu: null as { items: MenuItem[] } | null,
    openedUrls: [] as string[],
    /** What shell.openPath opened ("open P") and shell.showItemInFolder showed ("reveal P"). */
    shownPaths: [] as string[],
    messageBoxes: [] as { message: string; buttons: string[] }[],
    errorBoxes: [] as { title: string; content: string }[],
    notifications: [] as { title: string; body: string }[],
  };
  let answer = o.answer ?? ((box) => box.cancelId ?? 0);

  const electron = {
    app,
    ipcMain,
    safeStorage,
    BrowserWindow: browserWindowDouble(ipcMain, windows),
    Tray: class extends TrayDouble {
      constructor(image: string) {
        super(image);
        trays.push(this);
      }
    },
    Menu: {
      buildFromTemplate: (items: MenuItem[]) => ({ items }),
      setApplicationMenu: (menu: { items: MenuItem[] } | null) => void (record.applicationMenu = menu),
      getApplicationMenu: () => record.applicationMenu,
    },
    protocol: {
      registerSchemesAsPrivileged(schemes: unknown) {
        if (app.isReady())
          throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
        record.schemes = schemes;
      },
      handle: (_scheme: string, f: (r: Request) => Promise<Response>) => void (record.serve = f),
    },
    net: { fetch: async (url: string) => new Response(fs.readFileSync(fileURLToPath(url))) },
    powerMonitor: new EventEmitter(),
    Notification: class extends EventEmitter {
      static isSupported = () => true;
      constructor(private readonly opts: { title: string; body: string }) {
        super();
      }
      show() {
        record.notifications.push({ title: this.opts.title, body: this.opts.body });
      }
    },
    dialog: {
      showMessageBoxSync(...a: unknown[]) {
        const box = a.at(-1) as { message: string; buttons: string[]; cancelId?: number };
        record.messageBoxes.push({ message: box.message, buttons: box.buttons });
        return answer(box);
      },
      showErrorBox: (title: string, content: string) => void record.errorBoxes.push({ title, content }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] as string[] }),
    },
    shell: {
      openExternal: async (url: string) => void record.openedUrls.push(url),
      openPath: async (p: string) => (record.shownPaths.push(`open ${p}`), ''),
      showItemInFolder: (p: string) => void record.shownPaths.push(`reveal ${p}`),
    },
  };
  return {
    electron,
    app,
    ipcMain,
    safeStorage,
    windows,
    trays,
    record,
    /** Changes how message boxes are answered from now on. */
    answerWith(f: (box: { buttons: string[]; cancelId?: number }) => number) {
      answer = f;
    },
  };
}

export type ElectronDouble = ReturnType<typeof createElectronDouble>;
