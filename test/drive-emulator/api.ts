import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { errors, parseFields, pick, readBody } from './protocol';
import { compileQuery } from './query';
import type { FileStore } from './store';
import {
  blobFromBuffer,
  commitChunk,
  parseContentRange,
  parseMultipart,
  readBodyDropping,
  sessionBlob,
  type Session,
} from './uploads';

/** What a handler answers; the server sends it, or drops the connection instead (drop-response). */
export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
  file?: { path: string; start: number; end: number };
  /** The connection is already gone (drop-upload). */
  dropped?: boolean;
}

/** One request as the handlers see it. */
export interface Call {
  req: http.IncomingMessage;
  url: URL;
  op: string;
  /** For drop-upload: cut the body after this many bytes. */
  dropAfter: number | null;
  onBytes: (n: number) => void;
}

const DEFAULT_FILE_FIELDS = 'kind,id,name,mimeType';
/** Resumable sessions kept at once. */
const MAX_SESSIONS = 1000;

/** Drive v3 files and about handlers over a FileStore. */
export class DriveApi {
  readonly sessions = new Map<string, Session>();

  constructor(
    readonly store: FileStore,
    readonly baseUrl: () => string,
    readonly user: { displayName: string; emailAddress: string },
    readonly maxPageSize = 1000,
  ) {}

  private fileReply(status: number, id: string, fields: string | null): Reply {
    const f = this.store.get(id);
    return { status, json: pick(this.store.resource(f), parseFields(fields ?? DEFAULT_FILE_FIELDS)) };
  }

  /** about.get: the account and its quota; `fields` is required, as on Drive. */
  about(c: Call): Reply {
    const fields = c.url.searchParams.get('fields');
    if (!fields) throw errors.required("The 'fields' parameter is required for this method.");
    const usage = this.store.usage();
    const about = {
      kind: 'drive#about',
      user: { kind: 'drive#user', ...this.user, me: true, permissionId: '0' },
      storageQuota: {
        ...(this.store.quotaBytes === null ? {} : { limit: String(this.store.quotaBytes) }),
        usage: String(usage),
        usageInDrive: String(usage),
        usageInDriveTrash: '0',
      },
    };
    return { status: 200, json: pick(about, parseFields(fields)) };
  }

  /** files.create without content (folders, empty files). */
  async create(c: Call): Promise<Reply> {
    const body = await readBody(c.req, 1024 * 1024);
    const meta = body.length ? JSON.parse(body.toString('utf8')) : {};
    const f = this.store.create(meta, null);
    return this.fileReply(200, f.id, c.url.searchParams.get('fields'));
  }

  /** files.create with uploadType=multipart or media. */
  async createWithMedia(c: Call): Promise<Reply> {
    const { data, dropped } = await readBodyDropping(c.req, c.dropAfter, c.onBytes);
    if (dropped) return { status: 0, dropped: true };
    const type = c.url.searchParams.get('uploadType');
    const { meta, media } =
      type === 'multipart'
        ? parseMultipart(data, c.req.headers['content-type'] ?? '')
        : { meta: {}, media: data };
    const blob = blobFromBuffer(this.store, media);
    try {
      const f = this.store.create(meta, blob);
      return this.fileReply(200, f.id, c.url.searchParams.get('fields'));
    } finally {
      fs.rmSync(blob.tmpPath, { force: true });
    }
  }

  /** files.create with uploadType=resumable: opens a session and answers its URI in Location. */
  async startResumable(c: Call): Promise<Reply> {
    const body = await readBody(c.req, 1024 * 1024);
    const meta = body.length ? JSON.parse(body.toString('utf8')) : {};
    const lenHeader = c.req.headers['x-upload-content-length'];
    const total = lenHeader === undefined ? null : Number(lenHeader);
    if (total !== null) this.store.checkQuota(total);
    // Bounded: the oldest session is forgotten first, as an expired one would be.
    const oldest = this.sessions.values().next().value;
    if (oldest && this.sessions.size >= MAX_SESSIONS) this.abandon(oldest);
    const id = crypto.randomBytes(18).toString('base64url');
    const tmpPath = path.join(this.store.tmpDir, `session-${id}`);
    fs.writeFileSync(tmpPath, '');
    this.sessions.set(id, {
      id,
      meta,
      fields: c.url.searchParams.get('fields'),
      total,
      received: 0,
      tmpPath,
      done: false,
    });
    const location = `${this.baseUrl()}upload/drive/v3/files?uploadType=resumable&upload_id=${id}`;
    return { status: 200, headers: { location }, json: {} };
  }

  /** PUT on a session URI: a chunk, or a status query (`Content-Range: bytes * /TOTAL`). */
  async putChunk(c: Call): Promise<Reply> {
    const s = this.sessions.get(c.url.searchParams.get('upload_id') ?? '');
    if (!s) throw errors.notFound('upload session');
    const range = parseContentRange(c.req.headers['content-range']);
    if (s.done && s.fileId) {
      await readBody(c.req);
      return this.fileReply(200, s.fileId, s.fields);
    }
    if ('query' in range) {
      await readBody(c.req, 0);
      if (range.total !== null && s.total === null) s.total = range.total;
      // A zero-length final request (`bytes */TOTAL` once all bytes are in) completes the upload.
      if (s.total !== null && s.received === s.total) return this.finalize(s, c);
      return this.progress(s);
    }
    const { data, dropped } = await readBodyDropping(c.req, c.dropAfter, c.onBytes);
    try {
      commitChunk(s, range, data, dropped, this.store);
    } catch (e) {
      if ((e as { reason?: string }).reason === 'storageQuotaExceeded') this.abandon(s);
      throw e;
    }
    if (dropped) return { status: 0, dropped: true };
    if (s.total === null || s.received < s.total) return this.progress(s);
    return this.finalize(s, c);
  }

  private async finalize(s: Session, c: Call): Promise<Reply> {
    const blob = await sessionBlob(s);
    try {
      const f = this.store.create(s.meta, blob);
      s.done = true;
      s.fileId = f.id;
      return this.fileReply(200, f.id, s.fields ?? c.url.searchParams.get('fields'));
    } catch (e) {
      this.abandon(s);
      throw e;
    }
  }

  private progress(s: Session): Reply {
    return {
      status: 308,
      headers: s.received > 0 ? { range: `bytes=0-${s.received - 1}` } : {},
    };
  }

  /** DELETE on a session URI: the session is cancelled (Google answers 499); an unknown one is 404. */
  async cancel(c: Call): Promise<Reply> {
    await readBody(c.req, 0);
    const s = this.sessions.get(c.url.searchParams.get('upload_id') ?? '');
    if (!s) throw errors.notFound('upload session');
    this.abandon(s);
    return { status: 499 };
  }

  /** Forgets every session, as Google does after about a week (their URIs answer 404); returns how many were open. */
  expireSessions(): number {
    const n = [...this.sessions.values()].filter((s) => !s.done).length;
    for (const s of [...this.sessions.values()]) this.abandon(s);
    return n;
  }

  private abandon(s: Session): void {
    this.sessions.delete(s.id);
    fs.rmSync(s.tmpPath, { force: true });
  }

  /** files.list with `q`, paging and `fields`. */
  list(c: Call): Reply {
    const sp = c.url.searchParams;
    const q = sp.get('q') ?? '';
    const pageSize = Math.min(Math.max(Number(sp.get('pageSize') ?? 100), 1), this.maxPageSize);
    let offset = 0;
    const token = sp.get('pageToken');
    if (token) {
      const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { q: string; offset: number };
      if (t.q !== q) throw errors.invalid('Invalid Value', 'pageToken');
      offset = t.offset;
    }
    const pred = q ? compileQuery(q) : null;
    const all = [...this.store.files.values()].filter((f) => !pred || pred(this.store.queryable(f)));
    if (sp.get('orderBy') === 'name') all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? offset + pageSize : null;
    const body = {
      kind: 'drive#fileList',
      incompleteSearch: false,
      ...(next === null
        ? {}
        : { nextPageToken: Buffer.from(JSON.stringify({ q, offset: next })).toString('base64url') }),
      files: page.map((f) => this.store.resource(f)),
    };
    const fields = sp.get('fields') ?? `kind,incompleteSearch,nextPageToken,files(${DEFAULT_FILE_FIELDS})`;
    return { status: 200, json: pick(body, parseFields(fields)) };
  }

  /** files.get: metadata, or the bytes with alt=media (honouring Range). */
  get(c: Call, id: string): Reply {
    const f = this.store.get(id);
    if (c.url.searchParams.get('alt') !== 'media')
      return this.fileReply(200, f.id, c.url.searchParams.get('fields'));
    if (f.size === null) throw errors.invalid('Only files with binary content can be downloaded.', 'alt');
    const size = f.size;
    const m = /^bytes=(\d*)-(\d*)$/.exec(c.req.headers.range ?? '');
    if (!m || (m[1] === '' && m[2] === '')) {
      return { status: 200, file: { path: this.store.blobPath(f.id), start: 0, end: size - 1 } };
    }
    let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
    let end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    start = Math.max(0, start);
    if (start >= size || end < start) {
      return { status: 416, headers: { 'content-range': `bytes */${size}` }, json: {} };
    }
    end = Math.max(end, start);
    return {
      status: 206,
      headers: { 'content-range': `bytes ${start}-${end}/${size}` },
      file: { path: this.store.blobPath(f.id), start, end },
    };
  }

  /** files.delete. */
  delete(id: string): Reply {
    this.store.delete(id);
    return { status: 204 };
  }
}
