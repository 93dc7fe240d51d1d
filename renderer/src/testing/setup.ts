// Shared set-up for component tests: a fresh store and a fake service per test, a laid-out viewport for
// virtualized lists (jsdom does no layout).
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { setConnection } from '../client';
import { parseRoute } from '../route';
import { appStore, resetAppStore } from '../store/store';
import { fakeApi, type FakeApi, type Handlers } from './fakeApi';

// The store follows the address as main.tsx makes it do in the app.
window.addEventListener('hashchange', () => appStore.getState().setRoute(parseRoute(window.location.hash)));

afterEach(() => {
  cleanup();
  window.history.replaceState(null, '', '#');
  resetAppStore();
  setConnection(null);
});

/** Connects the UI to a fake service answering `handlers`. */
export function useFakeService(handlers: Handlers): FakeApi {
  const f = fakeApi(handlers);
  setConnection({ api: f.api, desktop: null, subscribe: () => () => {} });
  return f;
}

/**
 * Gives every element a 1000×480 box and a ResizeObserver that reports once, so virtualizers (which measure
 * clientHeight when the observer fires) render a window of rows as in a browser.
 */
export function layOut(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 480 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
  class OnceResizeObserver {
    constructor(private cb: ResizeObserverCallback) {}
    observe(el: Element) {
      queueMicrotask(() =>
        this.cb([{ target: el } as ResizeObserverEntry], this as unknown as ResizeObserver),
      );
    }
    unobserve() {}
    disconnect() {}
  }
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = OnceResizeObserver;
}
