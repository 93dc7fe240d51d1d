import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/tmp';
import { writeTree } from '../../test/helpers/tree';
import { builtRendererDir, packageRoot } from '../engine/paths';
import { serveStatic } from './static';

/** An HTTP server on loopback that serves one folder the way `cairn serve` does. */
async function serveDir(dir: string): Promise<{ get(p: string): Promise<Reply>; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    serveStatic(dir, new URL(req.url ?? '/', 'http://x').pathname, res, req.method === 'HEAD');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    get: (p) =>
      new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: p }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode!, type: res.headers['content-type'], body }),
            );
          })
          .on('error', reject);
      }),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

describe('serving the built UI', () => {
  let root: string;
  let ui: Awaited<ReturnType<typeof serveDir>>;
  beforeAll(async () => {
    root = tempDir();
    writeTree(path.join(root, 'ui'), {
      'index.html': '<!doctype html><title>Cairn UI</title>',
      'assets/app.js': 'console.log(1)',
    });
    fs.writeFileSync(path.join(root, 'secret.txt'), 'do not serve');
    ui = await serveDir(path.join(root, 'ui'));
  });
  afterAll(() => ui.close());

  it('serves index.html, assets, app routes, and nothing outside the folder', async () => {
    expect((await ui.get('/')).body).toMatch(/Cairn UI/);
    expect((await ui.get('/assets/app.js')).type).toMatch(/javascript/);
    expect((await ui.get('/history')).body).toMatch(/Cairn UI/);
    expect((await ui.get('/assets/missing.js')).status).toBe(404);
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      expect((await ui.get(p)).body, p).not.toMatch(/do not serve/);
    }
  });

  it('says plainly when the UI is not built', async () => {
    const none = await serveDir(path.join(root, 'nothing-here'));
    try {
      const r = await none.get('/');
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/user interface is not built/);
    } finally {
      await none.close();
    }
  });
});

describe('finding the built UI', () => {
  it('is dist/renderer under the package root from any file below it (bundle chunks too)', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'cairn' }));
    // A package.json of another name on the way up (a dependency's) is not the root.
    writeTree(path.join(root, 'dist', 'chunks'), { 'package.json': '{"name":"other"}', 'serve-X.mjs': '' });
    const chunk = path.join(root, 'dist', 'chunks', 'serve-X.mjs');
    expect(packageRoot(chunk)).toBe(root);
    expect(builtRendererDir(chunk)).toBe(path.join(root, 'dist', 'renderer'));
    expect(builtRendererDir(path.join(root, 'dist', 'main', 'index.cjs'))).toBe(
      path.join(root, 'dist', 'renderer'),
    );
  });
});
