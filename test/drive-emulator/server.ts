import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { handleAdmin } from './admin';
import { DriveApi, type Call, type Reply } from './api';
import { Faults, faultError, type Fault, type FaultKind, type FaultSpec } from './faults';
import { OAuthError, OAuthServer } from './oauth';
import { ApiError, errors, readBody, sendJson } from './protocol';
import { FileStore, type StoredFile } from './store';

export interface EmulatorOptions {
  /** Where file bytes go (default: a new temp folder, removed on stop). */
  dir?: string;
  port?: number;
  /** Storage limit in bytes; null for unlimited. */
  quotaBytes?: number | null;
  clientId?: string;
  clientSecret?: string;
  accessTtlSec?: number;
  maxPageSize?: number;
  user?: { displayName: string; emailAddress: string };
  /** The clock faults with `untilMs` are timed by (a test's fake clock; default Date.now). */
  now?: () => number;
}

/** One request as the emulator saw it. */
export interface LogEntry {
  seq: number;
  method: string;
  path: string;
  op: string;
  /** HTTP status, or 0 when the connection was dropped. */
  status: number;
  fault: FaultKind | null;
  /** Body bytes received (uploads). */
  bytesIn: number;
}

/** A running emulator: its URLs, its state, and the switches tests use. */
export interface DriveEmulator {
  /** API and upload root, with a trailing slash (CAIRN_DRIVE_API_URL). */
  url: string;
  authUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  dir: string;
  store: FileStore;
  oauth: OAuthServer;
  faults: Faults;
  log: LogEntry[];
  /** Upload body bytes received since start (or the last reset), including bytes of dropped bodies. */
  uploadedBytes(): number;
  /** Switches a fault on for the next `times` matching requests. */
  fault(spec: FaultSpec): Fault;
  /** Requests whose op starts with `op` (and with this status, if given). */
  count(op?: string, status?: number): number;
  issueRefreshToken(): string;
  revokeGrants(): void;
  setQuota(bytes: number | null): void;
  /** Non-folder and folder files stored now. */
  files(): StoredFile[];
  readFile(id: string): Buffer;
  /** Resumable sessions open now. */
  sessions(): number;
  /** Forgets every open resumable session (Google's expiry after about a week); returns how many. */
  expireSessions(): number;
  /** Clears the log, counters and faults (files stay). */
  reset(): void;
  stop(): Promise<void>;
}

function opOf(method: string, url: URL, req: http.IncomingMessage): string | null {
  const p = url.pathname;
  if (p === '/o/oauth2/v2/auth' && method === 'GET') return 'oauth.auth';
  if (p === '/token' && method === 'POST') return 'oauth.token';
  if (p === '/drive/v3/about' && method === 'GET') return 'about.get';
  if (p === '/drive/v3/files')
    return method === 'GET' ? 'files.list' : method === 'POST' ? 'files.create' : null;
  if (p.startsWith('/drive/v3/files/')) {
    if (method === 'GET') return url.searchParams.get('alt') === 'media' ? 'files.get.media' : 'files.get';
    if (method === 'DELETE') return 'files.delete';
    return null;
  }
  if (p === '/upload/drive/v3/files') {
    const t = url.searchParams.get('uploadType');
    if (method === 'POST') return t === 'resumable' ? 'files.create.resumable' : 'files.create.multipart';
    if (method === 'DELETE' && t === 'resumable') return 'files.upload.cancel';
    if (method === 'PUT' && t === 'resumable') {
      return /^bytes \*\//.test(req.headers['content-range'] ?? '')
        ? 'files.upload.status'
        : 'files.upload.chunk';
    }
  }
  return null;
}

/** Starts the Drive API v3 emulator on 127.0.0.1 (a random port unless `port` is set). */
export async function startEmulator(o: EmulatorOptions = {}): Promise<DriveEmulator> {
  const ownDir = !o.dir;
  const dir = o.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-drive-emu-'));
  const store = new FileStore(dir, o.quotaBytes ?? null);
  const oauth = new OAuthServer(
    o.clientId ?? 'cairn-test-client',
    o.clientSecret ?? 'cairn-test-secret',
    o.accessTtlSec ?? 3600,
  );
  const faults = new Faults();
  const now = o.now ?? Date.now;
  const log: LogEntry[] = [];
  let uploaded = 0;
  let base = '';
  const api = new DriveApi(
    store,
    () => base,
    o.user ?? { displayName: 'Cairn Tester', emailAddress: 'tester@example.com' },
    o.maxPageSize,
  );

  const send = (res: http.ServerResponse, r: Reply, drop: Fault | null) => {
    if (r.file) {
      const len = r.file.end - r.file.start + 1;
      res.writeHead(r.status, {
        'content-type': 'application/octet-stream',
        'content-length': String(Math.max(len, 0)),
        ...r.headers,
      });
      if (len <= 0) return void res.end();
      if (drop?.kind === 'drop-download') {
        // Send part of the body, then cut the connection (a download dropped half-way).
        const part = Math.min(len - 1, drop.afterBytes ?? Math.floor(len / 2));
        const s = fs.createReadStream(r.file.path, { start: r.file.start, end: r.file.start + part - 1 });
        s.on('end', () => setTimeout(() => res.socket?.destroy(), 20));
        s.pipe(res, { end: false });
        return;
      }
      fs.createReadStream(r.file.path, { start: r.file.start, end: r.file.end }).pipe(res);
    } else if (r.json !== undefined) sendJson(res, r.status, r.json, r.headers);
    else {
      res.writeHead(r.status, { 'content-length': '0', ...r.headers });
      res.end();
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, entry: LogEntry) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname.startsWith('/__admin/')) return handleAdmin(req, res, url, emu);
    let op = opOf(req.method ?? 'GET', url, req);
    if (!op) throw errors.notFound(url.pathname);
    entry.op = op;
    if (op === 'oauth.auth') {
      const f = faults.take(op, 'before', now());
      entry.fault = f?.kind ?? null;
      oauth.authorize(
        url,
        res,
        f?.kind === 'access-denied' ? 'deny' : f?.kind === 'scope-denied' ? 'no-drive' : 'consent',
      );
      return;
    }
    if (op === 'oauth.token') {
      const form = new URLSearchParams((await readBody(req, 65536)).toString());
      op = entry.op = form.get('grant_type') === 'refresh_token' ? 'oauth.token.refresh' : 'oauth.token.code';
      const f = faults.take(op, 'before', now());
      entry.fault = f?.kind ?? null;
      return sendJson(res, 200, oauth.exchange(form, req.headers.authorization, f?.kind === 'invalid-grant'));
    }
    const token = oauth.check(req.headers.authorization);
    if (!token) throw errors.authError();
    const before = faults.take(op, 'before', now());
    if (before) {
      entry.fault = before.kind;
      if (before.kind === 'expire-token') oauth.expire(token);
      if (before.kind === 'expire-session') {
        api.sessions.delete(url.searchParams.get('upload_id') ?? '');
        throw errors.notFound('upload session');
      }
      const err = faultError(before);
      if (err) throw err;
    }
    const drop = faults.take(op, 'body', now());
    if (drop) entry.fault = drop.kind;
    const len = Number(req.headers['content-length'] ?? 0);
    const call: Call = {
      req,
      url,
      op,
      dropAfter: drop ? (drop.afterBytes ?? Math.max(1, Math.floor(len / 2))) : null,
      onBytes: (n) => {
        entry.bytesIn += n;
        uploaded += n;
      },
    };
    const id = decodeURIComponent(url.pathname.slice('/drive/v3/files/'.length));
    const reply = await (op === 'about.get'
      ? api.about(call)
      : op === 'files.create'
        ? api.create(call)
        : op === 'files.create.multipart'
          ? api.createWithMedia(call)
          : op === 'files.create.resumable'
            ? api.startResumable(call)
            : op === 'files.upload.cancel'
              ? api.cancel(call)
              : op.startsWith('files.upload')
                ? api.putChunk(call)
                : op === 'files.list'
                  ? api.list(call)
                  : op === 'files.delete'
                    ? api.delete(id)
                    : api.get(call, id));
    if (reply.dropped) return;
    const after = faults.take(op, 'after', now());
    if (after) {
      entry.fault = after.kind;
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    entry.status = reply.status;
    send(res, reply, drop);
  };

  const server = http.createServer((req, res) => {
    const entry: LogEntry = {
      seq: log.length + 1,
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      op: 'admin',
      status: 0,
      fault: null,
      bytesIn: 0,
    };
    if (!entry.path.startsWith('/__admin/')) log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    handle(req, res, entry).catch((e: unknown) => {
      if (res.headersSent || req.socket.destroyed) return;
      if (e instanceof ApiError) {
        entry.status = e.status;
        sendJson(res, e.status, e.body(), e.headers);
      } else if (e instanceof OAuthError) {
        entry.status = e.status;
        sendJson(res, e.status, { error: e.error, error_description: e.message });
      } else {
        entry.status = 500;
        sendJson(res, 500, new ApiError(500, 'internalError', String(e)).body());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const emu: DriveEmulator = {
    url: base,
    authUrl: `${base}o/oauth2/v2/auth`,
    tokenUrl: `${base}token`,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    dir,
    store,
    oauth,
    faults,
    log,
    uploadedBytes: () => uploaded,
    fault: (spec) => faults.add(spec),
    count: (op, status) =>
      log.filter(
        (e) =>
          (!op || e.op === op || e.op.startsWith(op + '.')) && (status === undefined || e.status === status),
      ).length,
    issueRefreshToken: () => oauth.issueRefreshToken(),
    revokeGrants: () => oauth.revokeAll(),
    setQuota: (bytes) => {
      store.quotaBytes = bytes;
    },
    files: () => [...store.files.values()],
    sessions: () => [...api.sessions.values()].filter((x) => !x.done).length,
    expireSessions: () => api.expireSessions(),
    readFile: (id) => fs.readFileSync(store.blobPath(store.get(id).id)),
    reset: () => {
      log.length = 0;
      uploaded = 0;
      faults.clear();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return emu;
}
