// Uploads to an S3 bucket: one PutObject up to a part's size, multipart above (8 MiB parts, one in memory).
// Every PUT carries Content-MD5 (S3 refuses damaged bytes with BadDigest) and x-amz-checksum-sha256 (S3
// checks it; servers that ignore it, such as s3rver, leave the SHA-256 to Cairn's own end-to-end check: the
// pack layer hashes every member it downloads). Each part's ETag must be the MD5 of what was sent, and the
// whole object's MD5 and SHA-256 go in x-amz-meta-cairn-md5 / cairn-sha256, the appProperties in
// x-amz-meta-cairn-props. A multipart upload resumes across processes through the UploadSession.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { CairnError } from '../errors';
import { DriveError } from '../drive/errors';
import { openSource, readWhole } from '../drive/sources';
import type { DriveFile, UploadOptions, UploadResult } from '../drive/types';
import { badDigest, s3Details, type S3Calls } from './s3calls';

/** Part size of a multipart upload (and the largest single PUT); one part is held in memory. */
export const PART_SIZE = 8 * 1024 * 1024;

/** What an upload needs from the remote that runs it. */
export interface S3UploadContext {
  client: S3Client;
  calls: S3Calls;
  bucket: string;
  storageClass: string | null;
  partSize: number;
  now(): number;
  delete(id: string): Promise<void>;
  /** The object at `key` (MD5 and appProperties from its metadata), or null. */
  head(key: string): Promise<DriveFile | null>;
}

/** What an UploadSession keeps for an S3 multipart upload (its `uri`). */
interface SavedUpload {
  key: string;
  uploadId: string;
  partSize: number;
}

interface Sums {
  md5: string;
  sha256: string;
}

const hex = (algo: string, b: Buffer) => crypto.createHash(algo).update(b).digest('hex');
const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');

/** JSON with every non-ASCII character escaped: HTTP header values must be ASCII. */
function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function metadata(s: Sums, props: Record<string, string>): Record<string, string> {
  return { 'cairn-md5': s.md5, 'cairn-sha256': s.sha256, 'cairn-props': asciiJson(props) };
}

function parseSaved(uri: string | null): SavedUpload | null {
  try {
    const v = JSON.parse(uri ?? 'null') as Partial<SavedUpload> | null;
    return v && typeof v.key === 'string' && typeof v.uploadId === 'string' && typeof v.partSize === 'number'
      ? (v as SavedUpload)
      : null;
  } catch {
    return null;
  }
}

/** Uploads one file to `parentId` (a prefix) + `name`, replacing an object of that name. */
export async function uploadObject(c: S3UploadContext, o: UploadOptions): Promise<UploadResult> {
  if ('stream' in o.source) {
    const size = o.source.size ?? null;
    if (size !== null && size <= c.partSize) return putSmall(c, o, size);
    return spooled(c, o, o.source.stream);
  }
  const size = (await fs.promises.stat(o.source.path)).size;
  if (size <= c.partSize) return putSmall(c, o, size);
  return putMultipart(c, o, o.source.path, size);
}

/** A large stream of unknown size goes through a temporary file (multipart needs to know its parts' MD5). */
async function spooled(c: S3UploadContext, o: UploadOptions, stream: NodeJS.ReadableStream) {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'cairn-s3-'));
  try {
    const file = path.join(dir, 'upload');
    await pipeline(stream, fs.createWriteStream(file));
    return await uploadObject(c, { ...o, source: { path: file }, session: undefined });
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function progress(c: S3UploadContext, o: UploadOptions): (n: number) => void {
  let sent = 0;
  return (n) => {
    sent += n;
    c.calls.stats.bytesUploaded += n;
    o.onProgress?.(sent);
  };
}

function uploaded(c: S3UploadContext, o: UploadOptions, key: string, size: number, md5: string): DriveFile {
  return {
    id: key,
    name: o.name,
    mimeType: o.mimeType ?? 'application/octet-stream',
    size,
    md5Checksum: md5,
    appProperties: o.appProperties ?? {},
    parents: [o.parentId],
    createdTime: new Date(c.now()).toISOString(),
    webViewLink: null,
  };
}

/** Removes what a failed upload left under `key` when S3 kept damaged bytes, then throws `e`. */
async function dropDamaged(c: S3UploadContext, key: string, e: unknown): Promise<never> {
  if (e instanceof CairnError && e.code === 'corrupt') await c.delete(key).catch(() => undefined);
  throw e;
}

async function putSmall(c: S3UploadContext, o: UploadOptions, size: number): Promise<UploadResult> {
  const data = await readWhole(o.source, size, o.name);
  const sums = { md5: hex('md5', data), sha256: hex('sha256', data) };
  const key = o.parentId + o.name;
  const count = progress(c, o);
  await c.calls
    .run(
      `upload ${o.name}`,
      async () => {
        count(size);
        const r = await c.client.send(
          new PutObjectCommand({
            Bucket: c.bucket,
            Key: key,
            Body: data,
            ContentLength: size,
            ContentMD5: b64(sums.md5),
            ChecksumSHA256: b64(sums.sha256),
            ContentType: o.mimeType ?? 'application/octet-stream',
            StorageClass: (c.storageClass ?? undefined) as StorageClass | undefined,
            Metadata: metadata(sums, o.appProperties ?? {}),
          }),
          { abortSignal: o.signal },
        );
        checkEtag(r.ETag, sums.md5, o.name);
      },
      o.signal,
    )
    .catch((e: unknown) => dropDamaged(c, key, e));
  return { file: uploaded(c, o, key, size, sums.md5), reused: false, method: 'multipart' };
}

/** A plain-MD5 ETag that is not the MD5 of what was sent: the bytes were damaged on the way (retried). */
function checkEtag(etag: string | undefined, md5: string, what: string): void {
  const got = /^"?([0-9a-f]{32})"?$/i.exec(etag ?? '')?.[1]?.toLowerCase();
  if (got !== undefined && got !== md5) {
    throw badDigest(`the store kept ${what} with MD5 ${got}, Cairn sent ${md5}`);
  }
}

/** MD5 and SHA-256 of a whole file, read once before a multipart upload (its metadata carries them). */
async function hashFile(file: string): Promise<Sums> {
  const md5 = crypto.createHash('md5');
  const sha = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    md5.update(chunk as Buffer);
    sha.update(chunk as Buffer);
  }
  return { md5: md5.digest('hex'), sha256: sha.digest('hex') };
}

function isNoSuchUpload(e: unknown): boolean {
  const reason = e instanceof DriveError ? e.reason : s3Details(e).reason;
  return reason === 'NoSuchUpload';
}

/**
 * A multipart upload: continued when the session holds one for this key and part size (ListParts says which
 * parts S3 has; each one whose ETag is the MD5 of the local bytes at its place is kept, read and hashed but
 * not sent), else a new one, saved before its first part.
 */
async function putMultipart(
  c: S3UploadContext,
  o: UploadOptions,
  file: string,
  size: number,
): Promise<UploadResult> {
  const sums = await hashFile(file);
  const key = o.parentId + o.name;
  const saved = parseSaved(o.session?.uri ?? null);
  let uploadId: string | null = null;
  let have = new Map<number, { etag: string; size: number }>();
  if (saved && saved.key === key && saved.partSize === c.partSize) {
    try {
      have = await listParts(c, key, saved.uploadId, o.signal);
      uploadId = saved.uploadId;
    } catch (e) {
      if (!isNoSuchUpload(e)) throw e;
    }
  }
  if (uploadId === null) {
    if (saved) o.session?.forget();
    uploadId = await create(c, o, key, sums);
    o.session?.save(JSON.stringify({ key, uploadId, partSize: c.partSize } satisfies SavedUpload));
  }
  const parts = await sendParts(c, o, { file, size, key, uploadId, have });
  await complete(c, o, { key, uploadId, parts, sums, size }).catch((e: unknown) => dropDamaged(c, key, e));
  o.session?.forget();
  return { file: uploaded(c, o, key, size, sums.md5), reused: false, method: 'resumable' };
}

async function create(c: S3UploadContext, o: UploadOptions, key: string, sums: Sums): Promise<string> {
  const r = await c.calls.run(
    `start uploading ${o.name}`,
    () =>
      c.client.send(
        new CreateMultipartUploadCommand({
          Bucket: c.bucket,
          Key: key,
          ContentType: o.mimeType ?? 'application/octet-stream',
          StorageClass: (c.storageClass ?? undefined) as StorageClass | undefined,
          ChecksumAlgorithm: 'SHA256',
          Metadata: metadata(sums, o.appProperties ?? {}),
        }),
        { abortSignal: o.signal },
      ),
    o.signal,
  );
  if (!r.UploadId)
    throw new DriveError('drive', `The store gave no upload id for ${o.name}.`, 'no_upload_id');
  return r.UploadId;
}

/** The parts S3 has of an upload, by number (ListParts, page by page). */
async function listParts(
  c: S3UploadContext,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
): Promise<Map<number, { etag: string; size: number }>> {
  const have = new Map<number, { etag: string; size: number }>();
  let marker: string | undefined;
  for (let page = 0; page < 10_001; page++) {
    const r = await c.calls.run(
      `ask which parts of ${key} arrived`,
      () =>
        c.client.send(
          new ListPartsCommand({ Bucket: c.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
          { abortSignal: signal },
        ),
      signal,
    );
    for (const p of r.Parts ?? []) {
      if (p.PartNumber)
        have.set(p.PartNumber, { etag: (p.ETag ?? '').replace(/"/g, ''), size: p.Size ?? -1 });
    }
    marker = r.IsTruncated ? r.NextPartNumberMarker : undefined;
    if (!marker) break;
  }
  return have;
}

interface PartJob {
  file: string;
  size: number;
  key: string;
  uploadId: string;
  have: Map<number, { etag: string; size: number }>;
}

/** Reads the file part by part and sends each part S3 lacks; returns every part for Complete. */
async function sendParts(c: S3UploadContext, o: UploadOptions, j: PartJob): Promise<CompletedPart[]> {
  const reader = await openSource({ path: j.file });
  const buf = Buffer.allocUnsafe(c.partSize);
  const count = progress(c, o);
  const parts: CompletedPart[] = [];
  let total = 0;
  try {
    for (let n = 1; n <= 10_000 && total < j.size; n++) {
      const len = await reader.fill(buf);
      if (len === 0) break;
      total += len;
      const body = buf.subarray(0, len);
      const md5 = hex('md5', body);
      const sha256 = b64(hex('sha256', body));
      parts.push({ PartNumber: n, ETag: `"${md5}"`, ChecksumSHA256: sha256 });
      const known = j.have.get(n);
      if (known && known.etag === md5 && known.size === len) continue;
      await c.calls.run(
        `upload part ${n} of ${o.name}`,
        async () => {
          count(len);
          const r = await c.client.send(
            new UploadPartCommand({
              Bucket: c.bucket,
              Key: j.key,
              UploadId: j.uploadId,
              PartNumber: n,
              Body: body,
              ContentLength: len,
              ContentMD5: b64(md5),
              ChecksumSHA256: sha256,
            }),
            { abortSignal: o.signal },
          );
          checkEtag(r.ETag, md5, `part ${n} of ${o.name}`);
        },
        o.signal,
      );
    }
  } finally {
    await reader.close();
  }
  if (total !== j.size) {
    throw new CairnError('io', `${o.name} changed size while Cairn was reading it; push again.`);
  }
  return parts;
}

/** S3's ETag of a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts. */
function multipartEtag(parts: CompletedPart[]): string {
  const md5s = parts.map((p) => Buffer.from((p.ETag ?? '').replace(/"/g, ''), 'hex'));
  return `${hex('md5', Buffer.concat(md5s))}-${parts.length}`;
}

async function complete(
  c: S3UploadContext,
  o: UploadOptions,
  j: { key: string; uploadId: string; parts: CompletedPart[]; sums: Sums; size: number },
): Promise<void> {
  const etag = await c.calls
    .run(
      `finish uploading ${o.name}`,
      async () =>
        (
          await c.client.send(
            new CompleteMultipartUploadCommand({
              Bucket: c.bucket,
              Key: j.key,
              UploadId: j.uploadId,
              MultipartUpload: { Parts: j.parts },
            }),
            { abortSignal: o.signal },
          )
        ).ETag,
      o.signal,
    )
    .catch(async (e: unknown) => {
      // A Complete whose answer was lost and was retried: S3 no longer knows the upload; the object tells.
      const there = isNoSuchUpload(e) ? await c.head(j.key) : null;
      if (there && there.size === j.size && there.md5Checksum === j.sums.md5) return undefined;
      throw e;
    });
  const plain = etag?.replace(/"/g, '');
  if (plain === undefined || plain === j.sums.md5 || plain === multipartEtag(j.parts)) return;
  throw new DriveError(
    'corrupt',
    `The copy of ${o.name} on the store did not match what Cairn sent (ETag ${plain}); it was removed, push again.`,
    'checksum',
  );
}

/** Cancels a saved multipart upload (AbortMultipartUpload); one the store no longer knows is not an error. */
export async function abortUpload(c: S3UploadContext, uri: string): Promise<void> {
  const saved = parseSaved(uri);
  if (!saved) return;
  try {
    await c.calls.run(`cancel the upload of ${saved.key}`, () =>
      c.client.send(
        new AbortMultipartUploadCommand({ Bucket: c.bucket, Key: saved.key, UploadId: saved.uploadId }),
      ),
    );
  } catch (e) {
    if (!(isNoSuchUpload(e) || (e instanceof DriveError && e.status === 404))) throw e;
  }
}
