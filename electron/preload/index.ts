// The sandboxed preload: exposes the contract (one function per method), its events and the desktop extras
// as `window.cairn`, nothing else. It imports only types from shared/ and asks the main process once for
// the method and event channels, so the bundle holds no zod and requires nothing but "electron".
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CairnEvent } from '../../shared/cairnEvents';
import type { CairnApi } from '../../shared/contract';
import type { CairnBridge, DesktopViewName } from '../../shared/desktop';
import {
  MANIFEST_CHANNEL,
  NAVIGATE_CHANNEL,
  PICK_FOLDER_CHANNEL,
  SHOW_PATH_CHANNEL,
  type BridgeManifest,
} from '../../shared/desktopChannels';

const manifest = ipcRenderer.sendSync(MANIFEST_CHANNEL) as BridgeManifest;

const api = Object.fromEntries(
  manifest.methods.map(({ name, channel }) => [
    name,
    (input: unknown) => ipcRenderer.invoke(channel, input ?? {}),
  ]),
) as unknown as CairnApi;

type Listener = (data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
ipcRenderer.on(manifest.eventChannel, (_e: IpcRendererEvent, ev: CairnEvent) => {
  for (const l of listeners.get(ev.type) ?? []) l(ev.data);
});

const navigateListeners = new Set<(view: DesktopViewName) => void>();
ipcRenderer.on(NAVIGATE_CHANNEL, (_e: IpcRendererEvent, view: unknown) => {
  if (typeof view !== 'string' || !manifest.views.includes(view)) return;
  for (const l of navigateListeners) l(view as DesktopViewName);
});

const bridge: CairnBridge = {
  api,
  on(type, listener) {
    // Only known event types: a typo fails loudly instead of waiting forever.
    if (!manifest.events.includes(type)) throw new Error(`There is no event called ${String(type)}.`);
    const set = listeners.get(type) ?? new Set<Listener>();
    listeners.set(type, set);
    const l = listener as Listener;
    set.add(l);
    return () => void set.delete(l);
  },
  desktop: {
    pickFolder: (input) => ipcRenderer.invoke(PICK_FOLDER_CHANNEL, input),
    showPath: (input) => ipcRenderer.invoke(SHOW_PATH_CHANNEL, input),
    onNavigate(listener) {
      navigateListeners.add(listener);
      return () => void navigateListeners.delete(listener);
    },
  },
};

contextBridge.exposeInMainWorld('cairn', bridge);
