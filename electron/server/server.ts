import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMethodName } from '../../shared/contract';
import type { CairnService } from '../engine/app/service/service';
import { openDownload, sendDownload } from './download';
import { allowedHosts, checkHostAndOrigin, hasToken } from './guard';
import { streamEvents } from './sse';
import { serveStatic } from './static';

const MAX_BODY = 1 << 20;

export interface ServerOptions {
  service: CairnService;
  host: string;
  port: number;
  rendererDir: string;
  /** The secret every API call must carry; random when not given. */
  token?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

function refuse(res: http.ServerResponse, status: number, code: string, message: string, extra = {}): void {
  json(res, status, { ok: false, error: { code, message } }, extra);
}

/** The body as text, or null past MAX_BODY: the rest is then read and dropped (bounded), so the 413 arrives. */
function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      const was = size;
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
      else if (was <= MAX_BODY) {
        chunks.length = 0;
        resolve(null);
      }
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Answers 413 and closes the connection once the answer is out; a client that goes on sending is cut off
 * after a few seconds (closing at once, with its bytes unread, would reset the connection before it reads).
 */
function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  refuse(res, 413, 'too-large', 'The request is larger than 1 MiB.', { Connection: 'close' });
  const cut = setTimeout(() => req.socket.destroy(), 5000);
  cut.unref();
  req.socket.once('close', () => clearTimeout(cut));
}

/**
 * `cairn serve`'s HTTP face: `POST /api/<method>` (JSON in and out, bearer token), `GET /api/events`
 * (Server-Sent Events), `GET /api/download` (a file of a backup), the built UI at `/`. Host and Origin are checked on every request; no CORS.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const token = o.token ?? randomBytes(32).toString('base64url');
  let hosts = new Set<string>();
  const streams = new Set<() => void>();

  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'internal', 'Cairn could not answer this request.');
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const bad = checkHostAndOrigin(req, hosts);
    if (bad) return refuse(res, 403, 'forbidden', bad);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return refuse(res, 405, 'method', 'Only GET is allowed here.');
      return serveStatic(o.rendererDir, url.pathname, res, req.method === 'HEAD');
    }
    const name = url.pathname.slice(5);
    const events = name === 'events';
    // EventSource and a download link cannot send headers: only these two take the token in the query.
    const download = name === 'download';
    if (!hasToken(req, token, events || download)) {
      return refuse(res, 401, 'unauthorized', 'This call needs the token from the address Cairn printed.', {
        'WWW-Authenticate': 'Bearer',
      });
    }
    if (events) {
      if (req.method !== 'GET') return refuse(res, 405, 'method', 'The event stream is read with GET.');
      const stop = streamEvents(res, o.service.bus);
      streams.add(stop);
      res.on('close', () => streams.delete(stop));
      return;
    }
    if (download) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return refuse(res, 405, 'method', 'A download is read with GET.', { Allow: 'GET' });
      const d = openDownload(o.service, url);
      if (!d.ok) return refuse(res, d.status, d.code, d.message);
      return sendDownload(res, d, req.method === 'HEAD');
    }
    if (!isMethodName(name)) return refuse(res, 404, 'not-found', `There is no method named "${name}".`);
    if (req.method !== 'POST')
      return refuse(res, 405, 'method', `Call ${name} with POST and a JSON body.`, { Allow: 'POST' });
    if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
      return refuse(res, 415, 'invalid-json', 'Send the input as JSON (Content-Type: application/json).');
    }
    const body = await readBody(req);
    if (body === null) return tooLarge(req, res);
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch (e) {
      return refuse(
        res,
        400,
        'invalid-json',
        `The request body is not valid JSON (${(e as Error).message}).`,
      );
    }
    const result = await o.service.call(name, input);
    // Schema violations are the caller's mistake (400); anything else is an answer, errors as values.
    json(res, !result.ok && result.error.code === 'invalid-input' ? 400 : 200, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(o.host, port);
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${port}/#token=${token}`,
    port,
    token,
    close: async () => {
      for (const s of [...streams]) s();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
