import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { DriveError } from './errors';
import { ambiguous, FILE_FIELDS, toFile } from './files';
import type { Pacer } from './pacing';
import { uploadResumable } from './resumable';
import { openSource, readWhole } from './sources';
import type { Transport } from './transport';
import type { DriveFile, ListQuery, UploadOptions, UploadResult } from './types';

/** What an upload needs from the remote that runs it. */
export interface UploadContext {
  drive: drive_v3.Drive;
  auth: OAuth2Client;
  transport: Transport;
  pacer: Pacer;
  apiUrl: string;
  chunkSize: number;
  multipartMaxBytes: number;
  /** Per-call options for the googleapis client (rootUrl, no gaxios retries). */
  callOptions(extra?: Record<string, unknown>): Record<string, unknown>;
  listAll(q: ListQuery): Promise<DriveFile[]>;
  delete(fileId: string): Promise<void>;
}

/**
 * Uploads one file: small ones in a single multipart request (held in memory), others with the resumable
 * protocol (one chunk in memory), then compares Drive's md5Checksum with the MD5 of the bytes read.
 */
export async function uploadFile(c: UploadContext, o: UploadOptions): Promise<UploadResult> {
  const size = 'path' in o.source ? (await fs.promises.stat(o.source.path)).size : (o.source.size ?? null);
  if (size !== null && size <= c.multipartMaxBytes) return uploadMultipart(c, o, size);
  const mimeType = o.mimeType ?? 'application/octet-stream';
  // A saved session continues a path source's upload; streams cannot skip what Drive has.
  let resumeUri = 'path' in o.source ? (o.session?.uri ?? null) : null;
  // A lost session (expired, or the server forgot bytes) restarts a file upload once from the start; a
  // saved session Drive no longer knows does not count.
  for (let round = 0, restarts = 0; round < 3; round++) {
    const reader = await openSource(o.source);
    const resumed = resumeUri !== null;
    try {
      const r = await uploadResumable({
        auth: c.auth,
        transport: c.transport,
        pacer: c.pacer,
        apiUrl: c.apiUrl,
        metadata: { name: o.name, parents: [o.parentId], mimeType, appProperties: o.appProperties ?? {} },
        fields: FILE_FIELDS,
        reader,
        chunkSize: c.chunkSize,
        signal: o.signal,
        onProgress: o.onProgress,
        resumeUri,
        onSession: (uri) => o.session?.save(uri),
      });
      o.session?.forget();
      const file = toFile(r.file);
      await verify(c, file, r.md5, o.name);
      return { file, reused: false, method: 'resumable' };
    } catch (e) {
      const lost = sessionLost(e, resumed);
      if (lost) o.session?.forget();
      resumeUri = null;
      if (!(lost && reader.restartable && (resumed || restarts++ === 0))) throw e;
    } finally {
      await reader.close();
    }
  }
  throw new DriveError('drive', `Drive lost the upload of ${o.name} twice; push again.`, 'session_lost');
}

/**
 * Whether an upload's session is gone: Drive forgot it (404, 410) or lost bytes. A saved session that Drive
 * refuses outright (another 4xx: not a token, permission or rate answer) is gone too, or every later push
 * would stumble on it until it expired.
 */
function sessionLost(e: unknown, resumed: boolean): boolean {
  if (!(e instanceof DriveError)) return false;
  if (e.reason === 'session_lost' || e.status === 404 || e.status === 410) return true;
  const s = e.status ?? 0;
  return resumed && s >= 400 && s < 500 && ![401, 403, 408, 429].includes(s);
}

async function uploadMultipart(c: UploadContext, o: UploadOptions, size: number): Promise<UploadResult> {
  const mimeType = o.mimeType ?? 'application/octet-stream';
  const appProperties = o.appProperties ?? {};
  const data = await readWhole(o.source, size, o.name);
  const md5 = crypto.createHash('md5').update(data).digest('hex');
  let sent = 0;
  const count = (n: number) => {
    sent += n;
    c.transport.stats.bytesUploaded += n;
    o.onProgress?.(sent);
  };
  let reused = false;
  const file = await c.transport.run(
    `upload ${o.name}`,
    async () => {
      const body = c.pacer.bytesPerSecond
        ? c.pacer.throttled(data, count, o.signal)
        : (count(data.length), Readable.from([data], { objectMode: false }));
      const requestBody = { name: o.name, parents: [o.parentId], mimeType, appProperties };
      o.signal?.throwIfAborted();
      const r = await c.drive.files.create(
        { requestBody, media: { mimeType, body }, fields: FILE_FIELDS },
        c.callOptions({ signal: o.signal }),
      );
      return toFile(r.data);
    },
    {
      signal: o.signal,
      // Drive may have made the file although the answer was lost: find it rather than make a twin.
      beforeRetry: async (d) => {
        if (!ambiguous(d)) return undefined;
        const same = (await c.listAll({ parentId: o.parentId, name: o.name, appProperties })).find(
          (f) => f.md5Checksum === md5,
        );
        if (same) reused = true;
        return same;
      },
    },
  );
  await verify(c, file, md5, o.name);
  return { file, reused, method: reused ? 'existing' : 'multipart' };
}

/** Compares Drive's MD5 with Cairn's; a mismatching copy is deleted so nothing wrong stays listed. */
async function verify(c: UploadContext, file: DriveFile, md5: string, name: string): Promise<void> {
  if (file.md5Checksum === md5) return;
  await c.delete(file.id);
  throw new DriveError(
    'corrupt',
    `The copy of ${name} on Drive did not match what Cairn sent (MD5 ${file.md5Checksum ?? 'missing'}); it was removed, push again.`,
    'checksum',
  );
}
