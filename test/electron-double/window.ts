// BrowserWindow and its webContents. Loading a URL runs the window's preload bundle as the sandboxed
// renderer would (its require knows only "electron"), so `world` holds what it exposed through contextBridge.
import { runCommonJs } from './cjs';
import { EventEmitter } from 'node:events';
import { deliver, ipcRendererFor, type IpcMainDouble } from './ipc';

type Fn = (...a: unknown[]) => unknown;

export class WebContentsDouble extends EventEmitter {
  url = '';
  /** What main sent to the page (webContents.send), in order. */
  readonly sent: unknown[][] = [];
  /** Messages for the page's ipcRenderer. */
  readonly inbox = new EventEmitter();
  /** What the preload exposed with contextBridge.exposeInMainWorld, by key (the page's `window`). */
  world: Record<string, unknown> = {};
  openHandler: Fn | null = null;
  permissionHandler: Fn | null = null;
  readonly session = { setPermissionRequestHandler: (f: Fn) => void (this.permissionHandler = f) };
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
    deliver(this.inbox, channel, args);
  }
  setWindowOpenHandler(f: Fn): void {
    this.openHandler = f;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** Runs a preload bundle in a fresh page of `wc`: module scope, require("electron") only. */
function runPreload(file: string, wc: WebContentsDouble, ipcMain: IpcMainDouble): void {
  wc.world = {};
  wc.inbox.removeAllListeners();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => void (wc.world[key] = api),
    },
    ipcRenderer: ipcRendererFor(ipcMain, {
      sender: wc,
      frame: () => ({ url: wc.url, parent: null }),
      inbox: wc.inbox,
    }),
  };
  const req = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`A sandboxed preload cannot require "${name}".`);
  };
  runCommonJs(file, req);
}

export interface WindowOptions {
  webPreferences: Record<string, unknown> & { preload?: string };
  [k: string]: unknown;
}

/** A BrowserWindow class whose instances are listed in `windows` and talk to `ipcMain`. */
export function browserWindowDouble(ipcMain: IpcMainDouble, windows: BrowserWindowDouble[]) {
  return class extends BrowserWindowDouble {
    static getAllWindows = () => windows.filter((w) => !w.isDestroyed());
    constructor(opts: WindowOptions) {
      super(opts, ipcMain);
      windows.push(this);
    }
  };
}

export class BrowserWindowDouble extends EventEmitter {
  readonly webContents = new WebContentsDouble();
  visible = false;
  minimized = false;
  /** How many times show() and focus() were called. */
  shown = 0;
  focused = 0;

  constructor(
    readonly opts: WindowOptions,
    private readonly ipcMain: IpcMainDouble,
  ) {
    super();
  }

  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    const preload = this.opts.webPreferences.preload;
    if (preload) runPreload(preload, this.webContents, this.ipcMain);
    setImmediate(() => this.emit('ready-to-show'));
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
    this.shown++;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.webContents.destroyed;
  }
  /** Asks to close, as the title bar's close button does: 'close' may prevent it. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  destroy(): void {
    if (this.webContents.destroyed) return;
    this.webContents.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}
