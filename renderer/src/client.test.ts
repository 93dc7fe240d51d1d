import { afterEach, describe, expect, it } from 'vitest';
import { eventNames } from '../../shared/cairnEvents';
import type { CairnBridge } from '../../shared/desktop';
import { connectFromPage } from './client';
import { fakeApi } from './testing/fakeApi';

afterEach(() => {
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '#');
  delete (window as unknown as { cairn?: unknown }).cairn;
});

describe('connectFromPage', () => {
  it('under cairn serve takes the token from #token=, keeps it for the tab and clears it from the address', () => {
    window.history.replaceState(null, '', '#token=s3cret-Token_1');
    const c = connectFromPage(window);
    expect(c).not.toBeNull();
    expect(c!.desktop).toBeNull();
    expect(window.location.hash).toBe('#/overview');
    expect(window.sessionStorage.getItem('cairn.token')).toBe('s3cret-Token_1');
    // A reload (the token is no longer in the address) still connects.
    expect(connectFromPage(window)).not.toBeNull();
  });

  it('without a token and outside the app there is no connection', () => {
    expect(connectFromPage(window)).toBeNull();
  });

  it('in the app uses the preload bridge and subscribes to every event', () => {
    const subscribed: string[] = [];
    const bridge: CairnBridge = {
      api: fakeApi({}).api,
      on: (type) => {
        subscribed.push(type);
        return () => {};
      },
      desktop: {
        pickFolder: async () => ({ ok: true, value: { path: null } }),
        showPath: async () => ({ ok: true, value: { shown: true, message: null } }),
        onNavigate: () => () => {},
      },
    };
    (window as unknown as { cairn: CairnBridge }).cairn = bridge;
    const c = connectFromPage(window)!;
    let opened = 0;
    c.subscribe(
      () => {},
      () => opened++,
      () => {},
    );
    expect(c.desktop).toBe(bridge.desktop);
    expect(opened).toBe(1);
    expect(subscribed).toEqual(eventNames);
  });
});
