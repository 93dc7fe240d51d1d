import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment, navigate, parseRoute, routeHash, type Route } from './route';

describe('addresses', () => {
  it('round-trips every view and selection, with names that need encoding', () => {
    const routes: Route[] = [
      { view: 'overview' },
      { view: 'history', plan: 'docs', stamp: '2026-11-23_021000' },
      { view: 'browse', plan: 'docs', stamp: '2026-11-23_021000', path: 'Documents/a b/#1?.txt' },
      { view: 'file', plan: 'docs', stamp: '2026-11-23_021000', path: 'Documents/caf\u00e9/~x%.txt' },
      { view: 'changes', plan: 'docs', stamp: '2026-11-23_021000', against: '2026-11-01_020000' },
      { view: 'browse', plan: 'docs', stamp: '2026-11-23_021000', path: 'D/bad\udcff\udc80name' },
      { view: 'settings', plan: 'p.1' },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });

  it('writes a plain address for plain names', () => {
    expect(routeHash({ view: 'browse', plan: 'docs', stamp: '2026-11-23_021000', path: 'Documents/a' })).toBe(
      '#/browse/docs/2026-11-23_021000/Documents/a',
    );
  });

  it('reads old and broken addresses as something sensible', () => {
    expect(parseRoute('#/restore')).toEqual({ view: 'browse' });
    expect(parseRoute('#token=abc')).toEqual({ view: 'overview' });
    expect(parseRoute('')).toEqual({ view: 'overview' });
    expect(parseRoute('#/nowhere/x')).toEqual({ view: 'overview' });
    expect(parseRoute('#/browse/docs/%E0%A4%A')).toEqual({ view: 'browse' });
  });

  it('keeps "~" and lone surrogates apart', () => {
    for (const s of ['~', '~~', '~80', '\udc80', 'a~\udcffb'])
      expect(decodeSegment(encodeSegment(s))).toBe(s);
  });

  it('navigates with a new history entry, or in place', () => {
    navigate({ view: 'history' });
    expect(window.location.hash).toBe('#/history');
    const before = window.history.length;
    navigate({ view: 'browse', plan: 'docs' }, { replace: true });
    expect(window.location.hash).toBe('#/browse/docs');
    expect(window.history.length).toBe(before);
  });
});
