// The typed client: the preload's `window.cairn` in the app, HTTP and Server-Sent Events under `cairn serve`.
import { eventNames, type EventData, type EventName } from '../../shared/cairnEvents';
import type { CairnApi } from '../../shared/contract';
import type { CairnBridge } from '../../shared/desktop';
import { createHttpApi, downloadUrl, eventStreamUrl, parseEvent } from '../../shared/httpClient';

export type Listener = { [E in EventName]: (type: E, data: EventData<E>) => void }[EventName];

/** One way to reach the service: its calls, its events, and whether the desktop extras exist. */
export interface Connection {
  api: CairnApi;
  /** Streams every event to `onEvent`; `onOpen` runs on each (re)connect, `onDown` when the stream drops. */
  subscribe(
    onEvent: (type: EventName, data: unknown) => void,
    onOpen: () => void,
    onDown: () => void,
  ): () => void;
  desktop: CairnBridge['desktop'] | null;
  /** Under `cairn serve`: the address that downloads a file of a backup (absent in the app). */
  downloadUrl?(f: DownloadFile): string;
}

export interface DownloadFile {
  plan: string;
  stamp: string;
  path: string;
}

/** The app's bridge: events never drop, so one "open" at the start. */
export function bridgeConnection(bridge: CairnBridge): Connection {
  return {
    api: bridge.api,
    desktop: bridge.desktop,
    subscribe(onEvent, onOpen) {
      const offs = eventNames.map((n) => bridge.on(n, (d) => onEvent(n, d)));
      onOpen();
      return () => offs.forEach((o) => o());
    },
  };
}

/** `cairn serve`: calls over HTTP with the token, events over EventSource (which reconnects by itself). */
export function httpConnection(baseUrl: string, token: string): Connection {
  return {
    api: createHttpApi({ baseUrl, token }),
    desktop: null,
    downloadUrl: (f) => downloadUrl(baseUrl, token, f),
    subscribe(onEvent, onOpen, onDown) {
      const es = new EventSource(eventStreamUrl(baseUrl, token));
      for (const n of eventNames) {
        es.addEventListener(n, (e) => {
          const ev = parseEvent(n, (e as MessageEvent<string>).data);
          if (ev) onEvent(ev.type, ev.data);
        });
      }
      es.onopen = () => onOpen();
      es.onerror = () => onDown();
      return () => es.close();
    },
  };
}

const TOKEN_KEY = 'cairn.token';

/** Picks the transport for this page: the preload when present, else the token from `#token=` (kept per tab). */
export function connectFromPage(win: Window): Connection | null {
  const bridge = (win as unknown as { cairn?: CairnBridge }).cairn;
  if (bridge) return bridgeConnection(bridge);
  const m = /^#token=([\w-]+)/.exec(win.location.hash);
  if (m?.[1]) {
    win.sessionStorage.setItem(TOKEN_KEY, m[1]);
    win.history.replaceState(null, '', '#/overview');
  }
  const token = win.sessionStorage.getItem(TOKEN_KEY);
  return token ? httpConnection(win.location.origin, token) : null;
}

let current: Connection | null = null;

/** Sets the connection every view calls through. */
export function setConnection(c: Connection | null): void {
  current = c;
}

/** The contract, one function per method; throws only when the app was started without a connection. */
export function api(): CairnApi {
  if (!current) throw new Error('Cairn is not connected.');
  return current.api;
}

/** True once a connection is set (the page had a token, or runs in the app). */
export function isConnected(): boolean {
  return current !== null;
}

/** The native folder picker, or null under `cairn serve` (the UI shows a path field instead). */
export function desktop(): CairnBridge['desktop'] | null {
  return current?.desktop ?? null;
}

/** The download address of a file of a backup under `cairn serve`; null in the app (it shows the file instead). */
export function fileDownloadUrl(f: DownloadFile): string | null {
  return current?.downloadUrl?.(f) ?? null;
}
