import crypto from 'node:crypto';
import type { OAuth2Client } from 'google-auth-library';
import { DriveError } from './errors';
import type { Pacer } from './pacing';
import type { SourceReader } from './sources';
import type { Transport } from './transport';

/** Drive wants every chunk but the last to be a multiple of 256 KiB. */
export const CHUNK_UNIT = 256 * 1024;
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

/** One resumable upload (Drive's protocol; the googleapis client has none). */
export interface ResumableJob {
  auth: OAuth2Client;
  transport: Transport;
  pacer: Pacer;
  /** API root with a trailing slash. */
  apiUrl: string;
  metadata: { name: string; parents: string[]; mimeType: string; appProperties?: Record<string, string> };
  fields: string;
  reader: SourceReader;
  chunkSize: number;
  signal?: AbortSignal;
  onProgress?: (bytesSent: number) => void;
  /** A session URI saved by an earlier process for the same bytes: continued from what Drive has. */
  resumeUri?: string | null;
  /** Told a new session's URI before any of its bytes is sent (to save it). */
  onSession?: (uri: string) => void;
}

interface PutResult {
  done: Record<string, unknown> | null;
  committed: number;
}

/**
 * Hides the access token in errors without looking at the body. Works around gaxios' defaultErrorRedactor,
 * which takes a Buffer body for FormData (it has forEach and set) and visits it byte by byte: seconds of
 * CPU for every failed 8 MiB chunk.
 */
function redactAuthOnly<
  T extends { config?: { headers?: Headers }; response?: { config?: { headers?: Headers } } },
>(e: T): T {
  for (const h of [e.config?.headers, e.response?.config?.headers]) {
    if (h?.has('authorization')) h.set('authorization', '<<REDACTED>>');
  }
  return e;
}

function committedOf(range: string | null): number {
  const m = /bytes=0-(\d+)/.exec(range ?? '');
  return m ? Number(m[1]) + 1 : 0;
}

/**
 * Uploads with Drive's resumable protocol: a session URI, then chunks (PUT with Content-Range) in
 * multiples of 256 KiB, holding one chunk in memory. A 308 says how much the server has; after a dropped
 * connection or a 5xx, Cairn asks (`Content-Range: bytes * /TOTAL`) and resends only what is missing.
 * With `resumeUri` (a session an earlier process opened), it asks first and sends only the rest; the bytes
 * Drive has are read and hashed, not sent. Returns Drive's file resource and the MD5 of the bytes read.
 */
export async function uploadResumable(
  j: ResumableJob,
): Promise<{ file: Record<string, unknown>; md5: string }> {
  if (j.chunkSize <= 0 || j.chunkSize % CHUNK_UNIT !== 0) {
    throw new DriveError('usage', 'The upload chunk size must be a multiple of 256 KiB.', 'chunk_size');
  }
  const name = j.metadata.name;
  const size = j.reader.size;
  const session = j.resumeUri ?? (await startSession(j, size));
  if (!j.resumeUri) j.onSession?.(session);

  let sent = 0;
  const put = async (body: Buffer, range: string): Promise<PutResult> => {
    const data = j.pacer.bytesPerSecond
      ? j.pacer.throttled(body, (n) => count(n), j.signal)
      : (count(body.length), body);
    // node-fetch throws an uncatchable error for a request whose signal is already aborted; stop here instead.
    j.signal?.throwIfAborted();
    const res = await j.auth.request<Record<string, unknown>>({
      url: session,
      method: 'PUT',
      headers: { 'content-range': range, 'content-length': String(body.length) },
      data,
      retry: false,
      responseType: 'json',
      signal: j.signal,
      errorRedactor: redactAuthOnly,
      validateStatus: (s) => (s >= 200 && s < 300) || s === 308,
    });
    if (res.status === 308) return { done: null, committed: committedOf(res.headers.get('range')) };
    return { done: res.data, committed: -1 };
  };
  const count = (n: number) => {
    sent += n;
    j.transport.stats.bytesUploaded += n;
    j.onProgress?.(sent);
  };

  const hash = crypto.createHash('md5');
  const buf = Buffer.allocUnsafe(j.chunkSize);
  // Bytes Drive already has (a resumed session): read and hashed, not sent.
  let from = 0;
  if (j.resumeUri) {
    const st = await j.transport.run(
      `ask Drive how much of ${name} it has`,
      () => put(Buffer.alloc(0), `bytes */${size ?? '*'}`),
      { signal: j.signal },
    );
    if (st.done) return { file: st.done, md5: await hashRest(j, buf, hash) };
    from = st.committed;
  }
  for (let start = 0, guard = 0; guard < 1e9; guard++) {
    const len = await j.reader.fill(buf);
    hash.update(buf.subarray(0, len));
    const end = start + len;
    const last = len < j.chunkSize || (size !== null && end === size);
    if (end <= from && !last) {
      start = end;
      continue;
    }
    const total = last ? String(end) : size === null ? '*' : String(size);
    const chunkStart = start;
    const done = await j.transport.run(
      `upload ${name}`,
      async (attempt) => {
        let committed = Math.max(chunkStart, Math.min(from, end));
        if (attempt > 0) {
          // The last try failed somewhere: ask the server how far it got.
          const st = await put(Buffer.alloc(0), `bytes */${total}`);
          if (st.done) return st.done;
          committed = st.committed;
          if (committed < chunkStart || committed > end) {
            throw new DriveError('drive', `Drive lost part of the upload of ${name}.`, 'session_lost');
          }
        }
        for (let i = 0; i < 64; i++) {
          if (committed === end && !last) return null;
          const body = buf.subarray(committed - chunkStart, len);
          const range = body.length === 0 ? `bytes */${total}` : `bytes ${committed}-${end - 1}/${total}`;
          const r = await put(body, range);
          if (r.done) return r.done;
          if (r.committed < committed || r.committed > end) {
            throw new DriveError('drive', `Drive lost part of the upload of ${name}.`, 'session_lost');
          }
          committed = r.committed;
        }
        throw new DriveError('drive', `Drive stopped accepting the upload of ${name}.`, 'no_progress');
      },
      { signal: j.signal },
    );
    if (done) return { file: done, md5: hash.digest('hex') };
    if (last) throw new DriveError('drive', `Drive did not finish the upload of ${name}.`, 'no_progress');
    start = end;
  }
  throw new DriveError('drive', `The upload of ${name} did not end.`, 'no_progress');
}

/** Opens a resumable upload session (POST with the metadata) and returns its URI. */
async function startSession(j: ResumableJob, size: number | null): Promise<string> {
  return j.transport.run(
    `start uploading ${j.metadata.name}`,
    async () => {
      const res = await j.auth.request({
        url: `${j.apiUrl}upload/drive/v3/files`,
        method: 'POST',
        params: { uploadType: 'resumable', fields: j.fields },
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-type': j.metadata.mimeType,
          ...(size === null ? {} : { 'x-upload-content-length': String(size) }),
        },
        data: j.metadata,
        retry: false,
        responseType: 'json',
      });
      const location = res.headers.get('location');
      if (!location) throw new Error('Drive answered without an upload session address');
      return location;
    },
    { signal: j.signal },
  );
}

/** The MD5 of the whole source, when a resumed session turns out to have every byte already. */
async function hashRest(j: ResumableJob, buf: Buffer, hash: crypto.Hash): Promise<string> {
  for (let len = await j.reader.fill(buf); len > 0; len = await j.reader.fill(buf)) {
    hash.update(buf.subarray(0, len));
    if (len < buf.length) break;
  }
  return hash.digest('hex');
}

/**
 * Cancels a resumable session (DELETE on its URI; Google answers 499). A session Drive no longer knows
 * (404, 410) is already gone.
 */
export async function cancelResumable(
  j: Pick<ResumableJob, 'auth' | 'transport'>,
  uri: string,
  signal?: AbortSignal,
): Promise<void> {
  await j.transport.run(
    'cancel an upload session',
    () =>
      j.auth.request({
        url: uri,
        method: 'DELETE',
        retry: false,
        signal,
        errorRedactor: redactAuthOnly,
        validateStatus: (s) => (s >= 200 && s < 300) || s === 404 || s === 410 || s === 499,
      }),
    { signal },
  );
}
