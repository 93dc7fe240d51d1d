// Where the user is (the route, from the address: see route.ts) and whether the service is reachable.
import type { StateCreator } from 'zustand';
import { parseRoute, type Route, type View } from '../route';
import type { AppState } from './store';

export type { Route, View } from '../route';

export interface UiSlice {
  route: Route;
  /** route.view, for the views that read only that. */
  view: View;
  connection: 'connecting' | 'live' | 'down';
  /** Follows the address (called on every hashchange); use navigate() in route.ts to move. */
  setRoute(route: Route): void;
  /** Shows a view without selection (tests, and the address when it names only a view). */
  setView(view: View): void;
  setConnection(c: UiSlice['connection']): void;
}

/** Reads a view from an address hash ("#/history"); unknown hashes are the overview. */
export function viewFromHash(hash: string): View {
  return parseRoute(hash).view;
}

/** Creates the UI slice. */
export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  route: { view: 'overview' },
  view: 'overview',
  connection: 'connecting',
  setRoute: (route) => set({ route, view: route.view }),
  setView: (view) => set({ route: { view }, view }),
  setConnection: (connection) => set({ connection }),
});
