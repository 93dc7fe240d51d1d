// One store built from slices (zustand docs); the event bridge updates it from outside React.
import { createStore, useStore } from 'zustand';
import { createBackupsSlice, type BackupsSlice } from './backupsSlice';
import { createPlansSlice, type PlansSlice } from './plansSlice';
import { createStatusSlice, type StatusSlice } from './statusSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = StatusSlice & PlansSlice & BackupsSlice & UiSlice;

/** A fresh store (tests make one each; the app keeps one). */
export function createAppStore() {
  return createStore<AppState>()((...a) => ({
    ...createStatusSlice(...a),
    ...createPlansSlice(...a),
    ...createBackupsSlice(...a),
    ...createUiSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

export const appStore = createAppStore();
const initial = appStore.getState();

/** Puts the app's store back to its first state (between tests). */
export function resetAppStore(): void {
  appStore.setState(initial, true);
}

/** Reads one narrow piece of the store; the component re-renders only when that piece changes. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
