import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { drive as driveApi, type drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { CairnError } from '../errors';
import { downloadTo } from './download';
import { DriveError, type ErrorDetails } from './errors';
import { DEFAULT_BACKOFF, Pacer, systemClock, type BackoffPolicy, type Clock } from './pacing';
import { DEFAULT_CHUNK_SIZE, uploadResumable } from './resumable';
import { openSource } from './sources';
import { Transport, type RetryNotice } from './transport';
import {
  FOLDER_MIME,
  type DriveAbout,
  type DriveFile,
  type DriveRemote,
  type ListQuery,
  type UploadOptions,
  type UploadResult,
} from './types';

export interface RemoteOptions {
  auth: OAuth2Client;
  /** API and upload root with a trailing slash (DriveConfig.apiUrl). */
  apiUrl: string;
  clock?: Clock;
  /** Request pacing (default 10 per second). */
  requestsPerSecond?: number;
  /** Upload bandwidth limit in bytes per second (default none). */
  bandwidthBytesPerSecond?: number | null;
  /** Resumable chunk size, a multiple of 256 KiB (default 8 MiB); one chunk is held in memory. */
  chunkSize?: number;
  /** Files up to this size go in one multipart request (default 5 MiB), held in memory. */
  multipartMaxBytes?: number;
  backoff?: Partial<BackoffPolicy>;
  /** How long Google's upload limits are assumed to last (default 1 hour). */
  limitWaitMs?: number;
  onRetry?: (n: RetryNotice) => void;
}

/** The fields Cairn asks for: Drive answers only id, name and mimeType unless asked. */
export const FILE_FIELDS = 'id,name,mimeType,size,md5Checksum,appProperties,parents,createdTime,webViewLink';

/** Quotes a value for Drive's query language. */
export function qstr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Builds the `q` expression of a ListQuery. */
export function buildQuery(q: ListQuery): string {
  const parts = ['trashed = false'];
  if (q.parentId) parts.push(`${qstr(q.parentId)} in parents`);
  if (q.name !== undefined) parts.push(`name = ${qstr(q.name)}`);
  if (q.mimeType) parts.push(`mimeType = ${qstr(q.mimeType)}`);
  for (const [k, v] of Object.entries(q.appProperties ?? {})) {
    parts.push(`appProperties has { key=${qstr(k)} and value=${qstr(v)} }`);
  }
  return parts.join(' and ');
}

function toFile(f: drive_v3.Schema$File): DriveFile {
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mimeType: f.mimeType ?? '',
    size: f.size === undefined || f.size === null ? null : Number(f.size),
    md5Checksum: f.md5Checksum ?? null,
    appProperties: (f.appProperties as Record<string, string> | undefined) ?? {},
    parents: f.parents ?? [],
    createdTime: f.createdTime ?? null,
    webViewLink: f.webViewLink ?? null,
  };
}

function oldestFirst(a: DriveFile, b: DriveFile): number {
  const t = (a.createdTime ?? '').localeCompare(b.createdTime ?? '');
  return t !== 0 ? t : a.id.localeCompare(b.id);
}

/** A failure after which the server may have done the work anyway (the answer was lost). */
function ambiguous(d: ErrorDetails): boolean {
  return d.network || (d.status !== null && d.status >= 500);
}

/** Builds the DriveRemote over the real googleapis Drive v3 client. */
export function createDriveRemote(o: RemoteOptions): DriveRemote {
  return new GoogleDriveRemote(o);
}

class GoogleDriveRemote implements DriveRemote {
  private readonly drive: drive_v3.Drive;
  private readonly t: Transport;
  private readonly pacer: Pacer;
  private readonly clock: Clock;
  private readonly folders = new Map<string, DriveFile>();

  constructor(private readonly o: RemoteOptions) {
    this.clock = o.clock ?? systemClock;
    this.pacer = new Pacer(this.clock, o.requestsPerSecond ?? 10, o.bandwidthBytesPerSecond ?? null);
    this.t = new Transport({
      auth: o.auth,
      clock: this.clock,
      pacer: this.pacer,
      backoff: { ...DEFAULT_BACKOFF, ...o.backoff },
      limitWaitMs: o.limitWaitMs ?? 60 * 60_000,
      onRetry: o.onRetry,
    });
    this.drive = driveApi({ version: 'v3', auth: o.auth as unknown as drive_v3.Options['auth'] });
  }

  get stats() {
    return this.t.stats;
  }

  /** Per-call options: media uploads ignore the client's rootUrl, and retries are Cairn's, not gaxios'. */
  private opts(extra: Record<string, unknown> = {}) {
    return { rootUrl: this.o.apiUrl, retry: false, ...extra };
  }

  async about(): Promise<DriveAbout> {
    const r = await this.t.run('read the Drive account', () =>
      this.drive.about.get(
        { fields: 'user(displayName,emailAddress),storageQuota(limit,usage,usageInDrive)' },
        this.opts(),
      ),
    );
    const q = r.data.storageQuota ?? {};
    return {
      displayName: r.data.user?.displayName ?? '',
      emailAddress: r.data.user?.emailAddress ?? '',
      limit: q.limit ? Number(q.limit) : null,
      usage: Number(q.usage ?? 0),
      usageInDrive: Number(q.usageInDrive ?? 0),
    };
  }

  async *list(q: ListQuery): AsyncGenerator<DriveFile> {
    let pageToken: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const r = await this.t.run('list files', () =>
        this.drive.files.list(
          {
            q: buildQuery(q),
            pageSize: q.pageSize ?? 1000,
            pageToken,
            spaces: 'drive',
            fields: `nextPageToken,incompleteSearch,files(${FILE_FIELDS})`,
          },
          this.opts(),
        ),
      );
      for (const f of r.data.files ?? []) yield toFile(f);
      pageToken = r.data.nextPageToken ?? undefined;
      if (!pageToken) return;
    }
  }

  async listAll(q: ListQuery): Promise<DriveFile[]> {
    const all: DriveFile[] = [];
    for await (const f of this.list(q)) all.push(f);
    return all.sort(oldestFirst);
  }

  async get(fileId: string): Promise<DriveFile> {
    const r = await this.t.run(`read ${fileId}`, () =>
      this.drive.files.get({ fileId, fields: FILE_FIELDS }, this.opts()),
    );
    return toFile(r.data);
  }

  async findFolder(path: string[]): Promise<DriveFile | null> {
    let parent = 'root';
    let found: DriveFile | null = null;
    for (const name of path) {
      found = (await this.listAll({ parentId: parent, name, mimeType: FOLDER_MIME }))[0] ?? null;
      if (!found) return null;
      parent = found.id;
    }
    return found;
  }

  async ensureFolder(path: string[], appProperties: Record<string, string> = {}): Promise<DriveFile> {
    if (path.length === 0) throw new CairnError('usage', 'A Drive folder path needs at least one name.');
    let parent = 'root';
    let folder: DriveFile | null = null;
    for (let i = 0; i < path.length; i++) {
      const key = JSON.stringify([path.slice(0, i + 1), appProperties]);
      const name = path[i]!;
      const lookup = async () =>
        (await this.listAll({ parentId: parent, name, mimeType: FOLDER_MIME, appProperties }))[0];
      folder = this.folders.get(key) ?? (await lookup()) ?? null;
      if (!folder) {
        const requestBody = { name, mimeType: FOLDER_MIME, parents: [parent], appProperties };
        folder = await this.t.run(
          `create the Drive folder ${name}`,
          async () =>
            toFile((await this.drive.files.create({ requestBody, fields: FILE_FIELDS }, this.opts())).data),
          { beforeRetry: async (d) => (ambiguous(d) ? lookup() : undefined) },
        );
      }
      this.folders.set(key, folder);
      parent = folder.id;
    }
    return folder!;
  }

  async upload(o: UploadOptions): Promise<UploadResult> {
    const mimeType = o.mimeType ?? 'application/octet-stream';
    const appProperties = o.appProperties ?? {};
    const size = 'path' in o.source ? (await fs.promises.stat(o.source.path)).size : (o.source.size ?? null);
    const findSame = async (md5: string) =>
      (await this.listAll({ parentId: o.parentId, name: o.name, appProperties })).find(
        (f) => f.md5Checksum === md5,
      );
    if (size !== null && size <= (this.o.multipartMaxBytes ?? 5 * 1024 * 1024)) {
      const reader = await openSource(o.source);
      const data = Buffer.alloc(size);
      try {
        if ((await reader.fill(data)) !== size) {
          throw new CairnError('io', `${o.name} changed size while Cairn was reading it.`);
        }
      } finally {
        await reader.close();
      }
      const md5 = crypto.createHash('md5').update(data).digest('hex');
      let sent = 0;
      const count = (n: number) => {
        sent += n;
        this.t.stats.bytesUploaded += n;
        o.onProgress?.(sent);
      };
      let reused = false;
      const file = await this.t.run(
        `upload ${o.name}`,
        async () => {
          const body = this.pacer.bytesPerSecond
            ? this.pacer.throttled(data, count, o.signal)
            : (count(data.length), Readable.from([data], { objectMode: false }));
          const requestBody = { name: o.name, parents: [o.parentId], mimeType, appProperties };
          const r = await this.drive.files.create(
            { requestBody, media: { mimeType, body }, fields: FILE_FIELDS },
            this.opts({ signal: o.signal }),
          );
          return toFile(r.data);
        },
        {
          signal: o.signal,
          beforeRetry: async (d) => {
            const same = ambiguous(d) ? await findSame(md5) : undefined;
            if (same) reused = true;
            return same;
          },
        },
      );
      await this.verify(file, md5, o.name);
      return { file, reused, method: reused ? 'existing' : 'multipart' };
    }
    // A lost session (expired, or the server forgot bytes) restarts a file upload once from the start.
    for (let round = 0; round < 2; round++) {
      const reader = await openSource(o.source);
      try {
        const r = await uploadResumable({
          auth: this.o.auth,
          transport: this.t,
          pacer: this.pacer,
          apiUrl: this.o.apiUrl,
          metadata: { name: o.name, parents: [o.parentId], mimeType, appProperties },
          fields: FILE_FIELDS,
          reader,
          chunkSize: this.o.chunkSize ?? DEFAULT_CHUNK_SIZE,
          signal: o.signal,
          onProgress: o.onProgress,
        });
        const file = toFile(r.file);
        await this.verify(file, r.md5, o.name);
        return { file, reused: false, method: 'resumable' };
      } catch (e) {
        const lost =
          e instanceof DriveError && (e.reason === 'session_lost' || e.status === 404 || e.status === 410);
        if (!(lost && reader.restartable && round === 0)) throw e;
      } finally {
        await reader.close();
      }
    }
    throw new DriveError('drive', `Drive lost the upload of ${o.name} twice; push again.`, 'session_lost');
  }

  /** Compares Drive's MD5 with Cairn's; a mismatching copy is deleted so nothing wrong stays listed. */
  private async verify(file: DriveFile, md5: string, name: string): Promise<void> {
    if (file.md5Checksum === md5) return;
    await this.delete(file.id);
    throw new DriveError(
      'corrupt',
      `The copy of ${name} on Drive did not match what Cairn sent (MD5 ${file.md5Checksum ?? 'missing'}); it was removed, push again.`,
      'checksum',
    );
  }

  async download(fileId: string, o: { start?: number; signal?: AbortSignal } = {}): Promise<Readable> {
    const headers = o.start ? { range: `bytes=${o.start}-` } : {};
    const r = await this.t.run(
      `download ${fileId}`,
      () =>
        this.drive.files.get(
          { fileId, alt: 'media' },
          this.opts({ responseType: 'stream', headers, signal: o.signal }),
        ),
      { signal: o.signal },
    );
    const stream = r.data as unknown as Readable;
    stream.on('data', (c: Buffer) => {
      this.t.stats.bytesDownloaded += c.length;
    });
    return stream;
  }

  async downloadTo(
    fileId: string,
    dest: string,
    o: { md5?: string; signal?: AbortSignal } = {},
  ): Promise<number> {
    const md5 = o.md5 ?? (await this.get(fileId)).md5Checksum;
    return downloadTo(
      { remote: this, clock: this.clock, backoff: { ...DEFAULT_BACKOFF, ...this.o.backoff } },
      fileId,
      dest,
      md5,
      o.signal,
    );
  }

  async delete(fileId: string): Promise<void> {
    try {
      await this.t.run(`delete ${fileId}`, () => this.drive.files.delete({ fileId }, this.opts()));
    } catch (e) {
      if (e instanceof DriveError && e.status === 404) return;
      throw e;
    }
  }
}
