// Where the user is (the view, from the address's #/view) and whether the service is reachable.
import type { StateCreator } from 'zustand';
import type { DesktopViewName } from '../../../shared/desktop';
import type { AppState } from './store';

export const VIEWS: DesktopViewName[] = ['overview', 'history', 'restore', 'activity', 'drive', 'settings'];
export type View = DesktopViewName | 'retention';

export interface BrowseTarget {
  plan: string;
  stamp: string;
}

export interface UiSlice {
  view: View;
  connection: 'connecting' | 'live' | 'down';
  /** The backup the Browse view opens (set from History). */
  browse: BrowseTarget | null;
  setView(view: View): void;
  setConnection(c: UiSlice['connection']): void;
  openBackup(target: BrowseTarget): void;
}

/** Reads a view from an address hash ("#/history"); unknown hashes are the overview. */
export function viewFromHash(hash: string): View {
  const v = hash.replace(/^#\/?/, '').split(/[?/]/)[0] ?? '';
  return (VIEWS as string[]).includes(v) || v === 'retention' ? (v as View) : 'overview';
}

/** Creates the UI slice. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  view: 'overview',
  connection: 'connecting',
  browse: null,
  setView: (view) => set({ view }),
  setConnection: (connection) => set({ connection }),
  openBackup: (browse) => set({ browse, view: 'restore' }),
});
