import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { ApiError, errors } from './protocol';
import type { Blob, CreateMeta, FileStore } from './store';

export const CHUNK_UNIT = 256 * 1024;

/** A body read that may be cut short by a drop-upload fault. */
export interface BodyRead {
  data: Buffer;
  dropped: boolean;
}

/**
 * Reads a request body; with `dropAfter` set, stops after that many bytes and destroys the connection,
 * as a network failure in the middle of an upload would. `onBytes` counts what arrived.
 */
export async function readBodyDropping(
  req: http.IncomingMessage,
  dropAfter: number | null,
  onBytes: (n: number) => void,
  max = 256 * 1024 * 1024,
): Promise<BodyRead> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    const room = dropAfter === null ? c.length : Math.min(c.length, dropAfter - n);
    parts.push(room === c.length ? c : c.subarray(0, room));
    n += room;
    onBytes(room);
    if (n > max) throw new ApiError(413, 'uploadTooLarge', 'The request body is too large.');
    if (dropAfter !== null && n >= dropAfter) {
      req.socket.destroy();
      return { data: Buffer.concat(parts), dropped: true };
    }
  }
  return { data: Buffer.concat(parts), dropped: false };
}

/** Splits a multipart/related body into its metadata (JSON) and media parts. */
export function parseMultipart(body: Buffer, contentType: string): { meta: CreateMeta; media: Buffer } {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw errors.invalid('Missing multipart boundary.');
  const delim = Buffer.from(`--${m[1]}`);
  const parts: Buffer[] = [];
  let pos = body.indexOf(delim);
  if (pos < 0) throw errors.invalid('Malformed multipart body.');
  for (let guard = 0; guard < 16; guard++) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), start);
    if (next < 0) throw errors.invalid('Malformed multipart body.');
    parts.push(body.subarray(start + 2, next));
    pos = next + 2;
  }
  if (parts.length !== 2) throw errors.invalid('A multipart upload has exactly two parts.');
  const content = (p: Buffer) => {
    const sep = p.indexOf('\r\n\r\n');
    if (sep < 0) throw errors.invalid('Malformed multipart part.');
    return p.subarray(sep + 4);
  };
  let meta: CreateMeta;
  try {
    meta = JSON.parse(content(parts[0]!).toString('utf8')) as CreateMeta;
  } catch {
    throw errors.invalid('The metadata part is not JSON.');
  }
  return { meta, media: content(parts[1]!) };
}

/** Writes bytes to a temp file and returns it as a blob for FileStore.create. */
export function blobFromBuffer(store: FileStore, data: Buffer): Blob {
  const tmpPath = path.join(store.tmpDir, crypto.randomBytes(8).toString('hex'));
  fs.writeFileSync(tmpPath, data);
  return { tmpPath, size: data.length, md5: crypto.createHash('md5').update(data).digest('hex') };
}

/** A resumable upload session: metadata from the initiating POST, bytes committed so far in a temp file. */
export interface Session {
  id: string;
  meta: CreateMeta;
  fields: string | null;
  total: number | null;
  received: number;
  tmpPath: string;
  done: boolean;
  /** The file made when the last byte arrived. */
  fileId?: string;
}

/** Parses `Content-Range: bytes a-b/T`, `bytes a-b/*` or `bytes * /T` (a status query). */
export function parseContentRange(
  h: string | undefined,
): { start: number; end: number; total: number | null } | { query: true; total: number | null } {
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec(h ?? '');
  if (!m) throw errors.invalid(`Invalid Content-Range ${h ?? '(none)'}.`);
  const total = m[3] === '*' ? null : Number(m[3]);
  if (m[1] === undefined) return { query: true, total };
  return { start: Number(m[1]), end: Number(m[2]), total };
}

/** Appends a chunk to a session, enforcing Drive's rules: contiguous, 256 KiB multiples except the last. */
export function commitChunk(
  s: Session,
  range: { start: number; end: number; total: number | null },
  data: Buffer,
  dropped: boolean,
  store: FileStore,
): void {
  if (range.start !== s.received) {
    throw errors.invalid(`Content-Range starts at ${range.start}; the server has ${s.received} bytes.`);
  }
  if (range.end < range.start - 1 || (range.total !== null && range.end >= range.total)) {
    throw errors.invalid('Invalid Content-Range.');
  }
  if (range.total !== null) {
    if (s.total !== null && s.total !== range.total) throw errors.invalid('The upload size changed.');
    s.total = range.total;
  }
  const expected = range.end - range.start + 1;
  const isLast = s.total !== null && range.end + 1 === s.total;
  if (!dropped && data.length !== expected)
    throw errors.invalid('The body length does not match Content-Range.');
  if (!dropped && !isLast && expected % CHUNK_UNIT !== 0) {
    throw errors.invalid('A chunk other than the last must be a multiple of 256 KiB.');
  }
  // A dropped chunk keeps what arrived, rounded down to 256 KiB, as Google's servers may.
  const keep = dropped
    ? Math.max(0, Math.floor((s.received + data.length) / CHUNK_UNIT) * CHUNK_UNIT - s.received)
    : data.length;
  store.checkQuota(s.received + keep);
  if (keep > 0) fs.appendFileSync(s.tmpPath, data.subarray(0, keep));
  s.received += keep;
}

/** Computes the MD5 of a session's bytes by streaming its temp file. */
export async function sessionBlob(s: Session): Promise<Blob> {
  const h = crypto.createHash('md5');
  for await (const c of fs.createReadStream(s.tmpPath)) h.update(c as Buffer);
  return { tmpPath: s.tmpPath, size: s.received, md5: h.digest('hex') };
}
