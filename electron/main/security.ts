// The window's security policy as data: web preferences, Content-Security-Policy, which navigations and
// links are allowed, and how app:// URLs map to files. Pure, so every rule is tested in Node.
import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer is served from this privileged scheme (not file://), so it has its own origin. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'cairn';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * No inline script, no eval, nothing from the network: the UI talks to the main process only through the
 * preload. `style-src 'self'` still lets React set styles through the DOM (CSSOM is not covered by CSP).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every app:// response: the CSP and no MIME sniffing. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
};

/**
 * The main window's options: isolated, sandboxed, no Node in the page, web security on; developer tools
 * only in development (the packaged app's page cannot open them by any shortcut).
 */
export function windowOptions(
  preloadPath: string,
  iconPath?: string,
  devTools = true,
): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Cairn',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools,
    },
  };
}

/** True for a URL inside the app's own origin (the only place the window may be). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * In-app navigation (hash or path changes inside app://cairn) is allowed; anything else is refused, so a
 * link or a script can never take the window to another page.
 */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** Web permissions the page may have: only writing text to the clipboard ("copy path"); no camera, etc. */
export function allowPermission(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/** Hosts the UI may open in the system browser: help pages, Google's consent and Drive folders. */
export const EXTERNAL_HOSTS: readonly string[] = [
  'accounts.google.com',
  'drive.google.com',
  'console.cloud.google.com',
  'github.com',
];

/** True when a link may go to the system browser: https on an allowed host, nothing else. */
export function allowExternal(url: string, hosts: readonly string[] = EXTERNAL_HOSTS): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && hosts.includes(u.hostname);
  } catch {
    return false;
  }
}

/**
 * The file an app:// request maps to under the built renderer, or null when it would leave that folder or
 * belongs to another host. A path without an extension is an in-app route and gets index.html.
 */
export function appFileFor(url: string, root: string): string | null {
  if (!isAppUrl(url)) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  // Encoded dots or backslashes have no business in the UI's own URLs: refuse rather than normalise.
  if (rel.includes('\0') || rel.includes('\\') || rel.split('/').includes('..')) return null;
  if (rel === '/' || rel === '' || path.posix.extname(rel) === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + path.posix.normalize(rel));
  return file.startsWith(base + path.sep) ? file : null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The Content-Type of a renderer file. */
export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
