// Serves the built renderer at app://cairn/ with the CSP on every response (no file:// origin, no server).
import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_RESPONSE_HEADERS, APP_SCHEME, appFileFor, contentType } from './security';

/** Must run before the app is ready: app:// behaves like https (secure, standard, fetch allowed). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Answers app:// requests from the renderer folder; anything outside it is a 404. */
export function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' ? appFileFor(request.url, root) : null;
    if (!file) return new Response('Not found', { status: 404, headers: APP_RESPONSE_HEADERS });
    try {
      const res = await net.fetch(pathToFileURL(file).toString());
      if (!res.ok) return new Response('Not found', { status: 404, headers: APP_RESPONSE_HEADERS });
      return new Response(res.body, {
        status: 200,
        headers: { ...APP_RESPONSE_HEADERS, 'Content-Type': contentType(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers: APP_RESPONSE_HEADERS });
    }
  });
}
