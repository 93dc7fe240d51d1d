import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const UI_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cairn</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>Cairn is running</h1>
<p>The user interface is not built, so there is nothing to show here yet. Build it with
<code>npm run build</code> in Cairn's folder, then reload this page.</p>
<p>Backups still run on schedule, and the <code>cairn</code> command works as usual.</p>
</body></html>
`;

/** The real path of a regular file inside root, or null. */
function existingFileIn(root: string, file: string): string | null {
  try {
    const real = fs.realpathSync(file);
    return fs.statSync(real).isFile() && real.startsWith(root + path.sep) ? real : null;
  } catch {
    return null;
  }
}

/**
 * Serves the built renderer: a file under `dir` by its URL path, index.html for app routes, and a plain
 * page saying the UI is not built when the folder is missing. Never a file outside `dir`.
 */
export function serveStatic(dir: string, urlPath: string, res: ServerResponse, head: boolean): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      ...UI_HEADERS,
    });
    return void res.end(head ? undefined : NOT_BUILT);
  }
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return void res.writeHead(400).end();
  }
  const root = fs.realpathSync(dir);
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  const found = existingFileIn(root, file);
  if (!found && path.extname(file)) {
    // App routes (no extension) get the app; a missing asset is a 404.
    return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
  }
  const real = found ?? index;
  const type = TYPES[path.extname(real)] ?? 'application/octet-stream';
  const cache = real.endsWith('.html') ? 'no-store' : 'public, max-age=3600';
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cache, ...UI_HEADERS });
  if (head) return void res.end();
  fs.createReadStream(real).pipe(res);
}
