import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { methods } from '../../shared/contract';
import { guardedCall, isTrustedSender, parseCall } from './ipcGuard';
import {
  allowExternal,
  allowNavigation,
  allowPermission,
  appFileFor,
  CONTENT_SECURITY_POLICY,
  contentType,
  windowOptions,
} from './security';

describe('window options', () => {
  it('isolate the page, sandbox it, keep Node out and web security on', () => {
    const o = windowOptions('/app/dist/preload/index.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(o.show).toBe(false);
  });

  it('allow developer tools only when asked (development)', () => {
    expect(windowOptions('/p').webPreferences!.devTools).toBe(true);
    expect(windowOptions('/p', undefined, false).webPreferences!.devTools).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );

  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });

  it('never allows inline code, eval or remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('navigation and links', () => {
  it('keeps the window inside app://cairn', () => {
    expect(allowNavigation('app://cairn/#/restore')).toBe(true);
    expect(allowNavigation('app://cairn/history?plan=home')).toBe(true);
    expect(allowNavigation('https://cairn.example/')).toBe(false);
    expect(allowNavigation('file:///etc/passwd')).toBe(false);
    expect(allowNavigation('app://evil/')).toBe(false);
    expect(allowNavigation('app://user:pw@cairn/')).toBe(false);
    expect(allowNavigation('javascript:alert(1)')).toBe(false);
    expect(allowNavigation('not a url')).toBe(false);
  });

  it('opens in the browser only https links to allowed hosts', () => {
    expect(allowExternal('https://drive.google.com/drive/folders/abc')).toBe(true);
    expect(allowExternal('https://accounts.google.com/o/oauth2/v2/auth?x=1')).toBe(true);
    expect(allowExternal('http://drive.google.com/')).toBe(false);
    expect(allowExternal('https://drive.google.com.evil.example/')).toBe(false);
    expect(allowExternal('https://evil.example/?u=https://drive.google.com')).toBe(false);
    expect(allowExternal('https://me@drive.google.com/')).toBe(false);
    expect(allowExternal('file:///home/me/x')).toBe(false);
    expect(allowExternal('smb://server/share')).toBe(false);
  });
});

describe('permissions', () => {
  it('grants the page only clipboard writes', () => {
    expect(allowPermission('clipboard-sanitized-write')).toBe(true);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fileSystem'])
      expect(allowPermission(p), p).toBe(false);
  });
});

describe('app:// files', () => {
  const root = path.resolve('/opt/cairn/renderer');
  it('maps paths under the renderer folder, routes to index.html', () => {
    expect(appFileFor('app://cairn/', root)).toBe(path.join(root, 'index.html'));
    expect(appFileFor('app://cairn/history', root)).toBe(path.join(root, 'index.html'));
    expect(appFileFor('app://cairn/assets/index-abc.js', root)).toBe(path.join(root, 'assets/index-abc.js'));
    expect(contentType('x/index-abc.js')).toBe('text/javascript; charset=utf-8');
  });

  it('never leaves the renderer folder', () => {
    const inside = (f: string | null) => f === null || f.startsWith(root + path.sep);
    for (const u of [
      'app://cairn/../../etc/passwd.txt',
      'app://cairn/%2e%2e/%2e%2e/etc/passwd.txt',
      'app://cairn/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://cairn/assets/..%5c..%5c..%5csecret.txt',
    ])
      expect(inside(appFileFor(u, root)), u).toBe(true);
    expect(appFileFor('app://cairn/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt', root)).toBeNull();
    expect(appFileFor('app://cairn/assets/..%5csecret.txt', root)).toBeNull();
    expect(appFileFor('app://cairn/a%00.js', root)).toBeNull();
    expect(appFileFor('app://other/index.html', root)).toBeNull();
  });
});

describe('IPC guard', () => {
  const top = { url: 'app://cairn/#/overview', parent: null };

  it('trusts only the app top frame', () => {
    expect(isTrustedSender(top)).toBe(true);
    expect(isTrustedSender({ url: 'app://cairn/', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('validates input with the contract schema and says what is wrong', () => {
    expect(parseCall(methods, 'planGet', { plan: 'home' })).toEqual({
      ok: true,
      value: { method: 'planGet', input: { plan: 'home' } },
    });
    const bad = parseCall(methods, 'planCreate', { name: 'home', dest: '/b', sources: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!bad.ok && bad.error.message).toMatch(/^The input for planCreate is not valid: sources: .+\.$/);
    expect(parseCall(methods, 'status', { extra: 1 }).ok).toBe(false);
    expect(parseCall(methods, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(parseCall(methods, '__proto__', {}).ok).toBe(false);
  });

  it('never runs the handler for a foreign sender or bad input, and turns a throw into an error value', async () => {
    const ran: string[] = [];
    const handler = async (m: string) => {
      ran.push(m);
      if (m === 'planList') throw new Error('disk gone');
      return { ok: true as const, value: m };
    };
    const foreign = { url: 'https://evil.example/', parent: null };
    expect(await guardedCall(methods, foreign, 'status', {}, handler)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await guardedCall(methods, top, 'planGet', { plan: '../x' }, handler)).toMatchObject({
      ok: false,
    });
    expect(ran).toEqual([]);
    expect(await guardedCall(methods, top, 'status', {}, handler)).toEqual({ ok: true, value: 'status' });
    expect(await guardedCall(methods, top, 'planList', {}, handler)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'Cairn stopped on an unexpected error: disk gone' },
    });
  });
});
