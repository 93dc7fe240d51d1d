// The app window's Content-Security-Policy, enforced by a real Chromium (Debian's): pages are served over
// HTTP on 127.0.0.1 with the same headers app:// responses carry, and scripts report what they could do.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_RESPONSE_HEADERS } from '../electron/main/security';

const PAGE = `<!doctype html><html><head>
<link rel="stylesheet" href="/app.css">
<script>window.inlineRan = true;</script>
<script type="module" src="/app.js"></script>
</head><body><div id="styled" style="color: rgb(255, 0, 0)">x</div><div id="cssom">y</div>
<img id="remote" src="OTHER/pixel.png"></body></html>`;

const APP_JS = `
const report = {};
try { eval('1'); report.eval = true; } catch { report.eval = false; }
try { new Function('return 1')(); report.fn = true; } catch { report.fn = false; }
document.getElementById('cssom').style.color = 'rgb(0, 128, 0)';
report.cssom = getComputedStyle(document.getElementById('cssom')).color;
report.attr = getComputedStyle(document.getElementById('styled')).color;
report.inline = window.inlineRan === true;
report.sameOrigin = await fetch('/data.json').then((r) => r.ok, () => false);
report.otherOrigin = await fetch('OTHER/data.json').then(() => true, () => false);
window.report = report;
`;

let browser: Browser;
let app: http.Server;
let other: http.Server;
let appUrl = '';

function serve(handler: http.RequestListener): Promise<[http.Server, string]> {
  const s = http.createServer(handler);
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve([s, `http://127.0.0.1:${(s.address() as AddressInfo).port}`])),
  );
}

beforeAll(async () => {
  let otherUrl: string;
  [other, otherUrl] = await serve((_req, res) => {
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' });
    res.end('{}');
  });
  [app, appUrl] = await serve((req, res) => {
    const body: Record<string, [string, string]> = {
      '/': ['text/html', PAGE.replace(/OTHER/g, otherUrl)],
      '/app.js': ['text/javascript', APP_JS.replace(/OTHER/g, otherUrl)],
      '/app.css': ['text/css', 'body { margin: 0 }'],
      '/data.json': ['application/json', '{}'],
    };
    const hit = body[req.url ?? ''];
    res.writeHead(hit ? 200 : 404, { ...APP_RESPONSE_HEADERS, 'Content-Type': hit?.[0] ?? 'text/plain' });
    res.end(hit?.[1] ?? '');
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  app?.close();
  other?.close();
});

describe('the window CSP in Chromium', () => {
  it('runs the app bundle, blocks inline script, eval and other origins, and lets React style through the DOM', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(appUrl + '/');
    await page.waitForFunction('"report" in window', null, { timeout: 10_000 });
    // Strings, not functions: the Node tsconfig has no DOM types.
    const report = await page.evaluate<Record<string, unknown>>('window.report');
    expect(report).toEqual({
      eval: false,
      fn: false,
      cssom: 'rgb(0, 128, 0)',
      attr: 'rgb(0, 0, 0)',
      inline: false,
      sameOrigin: true,
      otherOrigin: false,
    });
    const remoteImage = await page.evaluate<number>("document.getElementById('remote').naturalWidth");
    expect(remoteImage).toBe(0);
    expect(violations.length).toBeGreaterThan(0);
    await page.close();
  });
});
