// ipcMain and a page's ipcRenderer joined in one process. Arguments and results are structured-cloned, as
// Electron's IPC does, so a value that could not cross the process boundary fails here too.
import { EventEmitter } from 'node:events';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** The frame a message comes from, as ipcMain handlers see it in `event.senderFrame`. */
export interface Frame {
  url: string;
  parent: Frame | null;
}

/** What a page's ipcRenderer needs of its window: who it is and where main's messages to it arrive. */
export interface PageEnd {
  sender: unknown;
  frame(): Frame;
  /** Messages main sent with webContents.send, by channel. */
  inbox: EventEmitter;
}

export class IpcMainDouble {
  private readonly handlers = new Map<string, Handler>();
  private readonly listeners = new EventEmitter();

  handle(channel: string, f: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, f);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, f: (...a: unknown[]) => void): this {
    this.listeners.on(channel, f);
    return this;
  }
  removeAllListeners(channel?: string): this {
    this.listeners.removeAllListeners(channel);
    return this;
  }

  /** The channels with a handler (ipcMain.handle). */
  handled(): string[] {
    return [...this.handlers.keys()];
  }
  /** The channels with a listener (ipcMain.on). */
  listened(): string[] {
    return this.listeners.eventNames().map(String);
  }

  /** ipcRenderer.invoke from a frame: the handler's result, or a rejection as Electron words it. */
  async invoke(sender: unknown, frame: Frame, channel: string, ...args: unknown[]): Promise<unknown> {
    const f = this.handlers.get(channel);
    if (!f)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      );
    try {
      return structuredClone(await f({ sender, senderFrame: frame }, ...structuredClone(args)));
    } catch (e) {
      throw new Error(`Error invoking remote method '${channel}': ${String(e)}`, { cause: e });
    }
  }

  /** ipcRenderer.sendSync from a frame: what the listener put in event.returnValue. */
  sendSync(sender: unknown, frame: Frame, channel: string, ...args: unknown[]): unknown {
    const event: { sender: unknown; senderFrame: Frame; returnValue?: unknown } = {
      sender,
      senderFrame: frame,
    };
    this.listeners.emit(channel, event, ...structuredClone(args));
    return structuredClone(event.returnValue);
  }

  /** ipcRenderer.send from a frame. */
  send(sender: unknown, frame: Frame, channel: string, ...args: unknown[]): void {
    this.listeners.emit(channel, { sender, senderFrame: frame }, ...structuredClone(args));
  }
}

/** The ipcRenderer a page's preload gets. */
export function ipcRendererFor(main: IpcMainDouble, page: PageEnd) {
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => main.invoke(page.sender, page.frame(), channel, ...args),
    sendSync: (channel: string, ...args: unknown[]) =>
      main.sendSync(page.sender, page.frame(), channel, ...args),
    send: (channel: string, ...args: unknown[]) => main.send(page.sender, page.frame(), channel, ...args),
    on(channel: string, f: (event: unknown, ...a: unknown[]) => void) {
      page.inbox.on(channel, f);
      return ipcRenderer;
    },
    removeListener(channel: string, f: (event: unknown, ...a: unknown[]) => void) {
      page.inbox.removeListener(channel, f);
      return ipcRenderer;
    },
  };
  return ipcRenderer;
}

/** webContents.send: delivered to the page later, as a message between processes is. */
export function deliver(inbox: EventEmitter, channel: string, args: unknown[]): void {
  const copy = structuredClone(args);
  setImmediate(() => inbox.emit(channel, {}, ...copy));
}
