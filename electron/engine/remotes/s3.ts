// An S3-compatible bucket as a DriveRemote (issue #18): the pack layer runs on it unchanged. Folders are key
// prefixes ending in '/' (implicit: nothing is created for them), a file's id is its full key, and names are
// unique in a folder (an upload to an existing name replaces it). Uploads: s3upload.ts.
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type HeadObjectCommandOutput,
  type _Object,
} from '@aws-sdk/client-s3';
import { CairnError } from '../errors';
import { countDownloaded, downloadTo } from '../drive/download';
import { DriveError } from '../drive/errors';
import { oldestFirst } from '../drive/files';
import { DEFAULT_BACKOFF, systemClock, type BackoffPolicy, type Clock } from '../drive/pacing';
import {
  FOLDER_MIME,
  type DriveAbout,
  type DriveFile,
  type DriveRemote,
  type ListQuery,
  type UploadOptions,
  type UploadResult,
} from '../drive/types';
import { QUICK_TIMEOUT_MS, type StoreOptions } from './options';
import { implicitFolder } from './paths';
import type { S3Config } from './registry';
import { S3Calls, toS3Error, type S3Where } from './s3calls';
import { abortUpload, PART_SIZE, uploadObject, type S3UploadContext } from './s3upload';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Builds the DriveRemote over an S3 bucket; credentials null: the AWS SDK's default chain (env, ~/.aws). */
export function createS3Remote(
  o: StoreOptions & { name: string; config: S3Config; credentials: S3Credentials | null },
): DriveRemote {
  return new S3Remote(o);
}

/** "s3://bucket/prefix" (the prefix without its trailing slash). */
export function s3Label(c: Pick<S3Config, 'bucket' | 'prefix'>): string {
  return `s3://${c.bucket}/${c.prefix.replace(/\/$/, '')}`.replace(/\/$/, '');
}

/** A prefix as Cairn keeps it: '' or ending in '/', without a leading '/'. */
export function normalPrefix(p: string): string {
  const s = p.replace(/^\/+/, '');
  return s === '' || s.endsWith('/') ? s : `${s}/`;
}

/** A plain MD5 ETag (a single PUT's), or null for a multipart one ("…-N") or another kind. */
export function etagMd5(etag: string | undefined): string | null {
  const m = /^"?([0-9a-f]{32})"?$/i.exec(etag ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/** The appProperties Cairn keeps in `x-amz-meta-cairn-props`, or {}. */
function propsOf(meta: Record<string, string> | undefined): Record<string, string> {
  try {
    const v: unknown = JSON.parse(meta?.['cairn-props'] ?? '{}');
    return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function folder(prefix: string, parent: string): DriveFile {
  return implicitFolder(prefix, prefix.slice(parent.length).replace(/\/$/, ''), [parent]);
}

/** The folder id (prefix) a key lives in. */
function parentOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/') + 1);
}

class S3Remote implements DriveRemote {
  readonly kind = 's3' as const;
  readonly label: string;
  readonly clientId = null;
  private readonly client: S3Client;
  private readonly calls: S3Calls;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly base: string;
  private readonly bucket: string;
  private readonly uploads: S3UploadContext;

  constructor(o: StoreOptions & { name: string; config: S3Config; credentials: S3Credentials | null }) {
    this.clock = o.clock ?? systemClock;
    this.backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.bucket = o.config.bucket;
    this.base = normalPrefix(o.config.prefix);
    this.label = s3Label(o.config);
    const where: S3Where = { name: o.name, label: this.label, bucket: this.bucket };
    this.calls = new S3Calls({
      where,
      clock: this.clock,
      backoff: this.backoff,
      onRetry: o.onRetry,
      quick: o.quick ?? false,
    });
    this.client = makeClient(o);
    this.uploads = {
      client: this.client,
      calls: this.calls,
      bucket: this.bucket,
      storageClass: o.config.storageClass,
      partSize: PART_SIZE,
      now: () => this.clock.now(),
      delete: (id) => this.delete(id),
      head: (key) => this.head(key),
    };
  }

  get stats() {
    return this.calls.stats;
  }

  /** The key prefix of a folder id ('root' is the remote's own prefix). */
  private prefixOf(parentId: string): string {
    if (parentId === 'root') return this.base;
    if (!parentId.endsWith('/') || !parentId.startsWith(this.base)) {
      throw new CairnError('usage', `"${parentId}" is not a folder of ${this.label}.`);
    }
    return parentId;
  }

  async about(): Promise<DriveAbout> {
    await this.calls.run(`reach the bucket ${this.bucket}`, () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket })).catch((e: unknown) => {
        // HEAD has no body: S3 says 404 without the NoSuchBucket code.
        throw (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
          ? Object.assign(e as object, { Code: 'NoSuchBucket' })
          : e;
      }),
    );
    return {
      displayName: this.label,
      emailAddress: '',
      limit: null,
      usage: 0,
      usageInDrive: 0,
      notes: await this.notes(),
    };
  }

  /** Versioning and object lock, where the store answers (many S3-compatible servers do not: no note then). */
  private async notes(): Promise<string[]> {
    const notes: string[] = [];
    const ask = <T>(f: () => Promise<T>) => f().catch(() => null);
    const v = await ask(() => this.client.send(new GetBucketVersioningCommand({ Bucket: this.bucket })));
    if (v?.Status === 'Enabled') {
      notes.push(
        'Versioning is on: pruned and replaced objects stay as older versions (and take space) until a lifecycle rule removes them.',
      );
    } else if (v?.Status === 'Suspended')
      notes.push('Versioning is suspended: older versions made before stay.');
    const lock = await ask(() =>
      this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket })),
    );
    const rule = lock?.ObjectLockConfiguration?.Rule?.DefaultRetention;
    if (lock?.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled') {
      const span = rule?.Days
        ? `${rule.Days} days`
        : rule?.Years
          ? `${rule.Years} years`
          : 'no default period';
      notes.push(
        `Object lock is on (${rule?.Mode ?? 'no default mode'}, ${span}): objects cannot be deleted while locked, so prune frees nothing younger.`,
      );
    }
    return notes;
  }

  async *list(q: ListQuery): AsyncGenerator<DriveFile> {
    const parent = this.prefixOf(q.parentId ?? 'root');
    const folders = !q.mimeType || q.mimeType === FOLDER_MIME;
    const files = q.mimeType !== FOLDER_MIME;
    const Prefix = parent + (q.name ?? '');
    let token: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const r = await this.calls.run(`list ${this.bucket}/${Prefix}`, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix,
            Delimiter: '/',
            MaxKeys: q.pageSize ?? 1000,
            ContinuationToken: token,
          }),
        ),
      );
      // Folders are implicit and keep no appProperties: a query's appProperties select files only.
      for (const p of folders ? (r.CommonPrefixes ?? []) : []) {
        const f = folder(p.Prefix ?? '', parent);
        if (q.name === undefined || f.name === q.name) yield f;
      }
      for (const o of files ? (r.Contents ?? []) : []) {
        const f = await this.fileOf(o, parent, q);
        if (f) yield f;
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      if (!token) return;
    }
  }

  /** A listed object as a DriveFile, HEADed when its MD5 or appProperties need it; null when `q` rules it out. */
  private async fileOf(o: _Object, parent: string, q: ListQuery): Promise<DriveFile | null> {
    const key = o.Key ?? '';
    const name = key.slice(parent.length);
    if (name === '' || (q.name !== undefined && name !== q.name)) return null;
    const wanted = Object.entries(q.appProperties ?? {});
    const md5 = etagMd5(o.ETag);
    if (md5 && wanted.length === 0) {
      return this.file(key, { size: o.Size ?? 0, md5, at: o.LastModified, props: {} });
    }
    const h = await this.head(key);
    if (!h) return null;
    return wanted.every(([k, v]) => h.appProperties[k] === v) ? h : null;
  }

  private file(
    key: string,
    x: { size: number; md5: string | null; at: Date | undefined; props: Record<string, string> },
  ): DriveFile {
    return {
      id: key,
      name: key.slice(parentOf(key).length),
      mimeType: 'application/octet-stream',
      size: x.size,
      md5Checksum: x.md5,
      appProperties: x.props,
      parents: [parentOf(key)],
      createdTime: x.at ? x.at.toISOString() : null,
      webViewLink: null,
    };
  }

  /** HEAD of a key as a DriveFile (MD5 from a plain ETag, else Cairn's metadata), or null when it is not there. */
  private async head(key: string): Promise<DriveFile | null> {
    let h: HeadObjectCommandOutput;
    try {
      h = await this.calls.run(`read ${key}`, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      );
    } catch (e) {
      if (e instanceof DriveError && e.code === 'not-found' && e.reason !== 'NoSuchBucket') return null;
      throw e;
    }
    const md5 = h.Metadata?.['cairn-md5'] ?? etagMd5(h.ETag);
    return this.file(key, {
      size: h.ContentLength ?? 0,
      md5,
      at: h.LastModified,
      props: propsOf(h.Metadata),
    });
  }

  async listAll(q: ListQuery): Promise<DriveFile[]> {
    const all: DriveFile[] = [];
    for await (const f of this.list(q)) all.push(f);
    return all.sort(oldestFirst);
  }

  async get(fileId: string): Promise<DriveFile> {
    if (fileId.endsWith('/')) return folder(this.prefixOf(fileId), parentOf(fileId.slice(0, -1)));
    const f = await this.head(fileId);
    if (!f) throw toS3Error({ name: 'NoSuchKey', message: fileId }, `read ${fileId}`, this.calls.o.where);
    return f;
  }

  async findFolder(path: string[]): Promise<DriveFile | null> {
    const prefix = this.base + path.map((p) => `${p}/`).join('');
    const r = await this.calls.run(`look for ${prefix}`, () =>
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1 })),
    );
    return (r.KeyCount ?? r.Contents?.length ?? 0) > 0 ? this.folderAt(path) : null;
  }

  async ensureFolder(path: string[]): Promise<DriveFile> {
    if (path.length === 0) throw new CairnError('usage', 'A folder path needs at least one name.');
    return this.folderAt(path);
  }

  private folderAt(path: string[]): DriveFile {
    const parent =
      this.base +
      path
        .slice(0, -1)
        .map((p) => `${p}/`)
        .join('');
    return folder(`${parent}${path[path.length - 1]!}/`, parent);
  }

  upload(o: UploadOptions): Promise<UploadResult> {
    return uploadObject(this.uploads, { ...o, parentId: this.prefixOf(o.parentId) });
  }

  async download(fileId: string, o: { start?: number; signal?: AbortSignal } = {}): Promise<Readable> {
    const r = await this.calls.run(
      `download ${fileId}`,
      () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: fileId,
            Range: o.start ? `bytes=${o.start}-` : undefined,
          }),
          { abortSignal: o.signal },
        ),
      o.signal,
    );
    return countDownloaded(r.Body as Readable, this.calls.stats);
  }

  async downloadTo(
    fileId: string,
    dest: string,
    o: { md5?: string; signal?: AbortSignal } = {},
  ): Promise<number> {
    const ctx = { remote: this, clock: this.clock, backoff: this.backoff, store: this.label };
    return downloadTo(ctx, fileId, dest, o);
  }

  cancelUpload(uri: string): Promise<void> {
    return abortUpload(this.uploads, uri);
  }

  /** Deletes a key, or every key under a folder id; a missing key is not an error. */
  async delete(fileId: string): Promise<void> {
    const keys = fileId.endsWith('/') ? await this.keysUnder(this.prefixOf(fileId)) : [fileId];
    for (const Key of keys) {
      await this.calls.run(`delete ${Key}`, () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })),
      );
    }
  }

  private async keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const r = await this.calls.run(`list ${this.bucket}/${prefix}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        ),
      );
      for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      if (!token) break;
    }
    return keys;
  }
}

/**
 * The SDK client: its own retries off (Cairn's backoff does them), checksums only where S3 requires them
 * (many S3-compatible servers do not speak the default CRC32 trailers; Cairn sends Content-MD5 and
 * x-amz-checksum-sha256 itself), and a timeout for a connection where no byte moves.
 */
function makeClient(o: StoreOptions & { config: S3Config; credentials: S3Credentials | null }): S3Client {
  const timeout = o.quick ? QUICK_TIMEOUT_MS : o.timeoutMs;
  // The SDK warns on stderr, once per process and over seven lines, that its releases of 2027 will need
  // Node 22; Cairn runs on Node >= 20 and pins its SDK, so a `cairn` command should not print that.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    region: o.config.region || 'us-east-1',
    endpoint: o.config.endpoint ?? undefined,
    forcePathStyle: o.config.pathStyle,
    credentials: o.credentials ?? undefined,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: timeout ?? 30_000,
      socketTimeout: timeout ?? 120_000,
      ...(o.quick ? { requestTimeout: QUICK_TIMEOUT_MS, throwOnRequestTimeout: true } : {}),
    },
  });
}
