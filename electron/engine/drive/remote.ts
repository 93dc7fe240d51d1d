import type { Readable } from 'node:stream';
import { drive as driveApi, type drive_v3 } from '@googleapis/drive';
import type { OAuth2Client } from 'google-auth-library';
import { CairnError } from '../errors';
import { countDownloaded, downloadTo } from './download';
import { DEFAULT_WAITS, DriveError, type LimitWaits } from './errors';
import { ambiguous, buildQuery, FILE_FIELDS, oldestFirst, toFile } from './files';
import { DEFAULT_BACKOFF, Pacer, systemClock, type BackoffPolicy, type Clock } from './pacing';
import { cancelResumable, DEFAULT_CHUNK_SIZE } from './resumable';
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
import { uploadFile, type UploadContext } from './upload';

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
  /** How long to wait when Google's daily upload limit is hit (default 1 hour) or a rate limit persists (10 minutes). */
  waits?: Partial<LimitWaits>;
  onRetry?: (n: RetryNotice) => void;
  /** Access-token refreshes one remote (one push) may make before it stops (default 10). */
  maxRefreshes?: number;
  /** Gives up on a request Google has not answered within this long (default: no limit). */
  timeoutMs?: number;
  /** Google's daily limit was on when last tried: the first daily-limit answer waits again at once. */
  probing?: boolean;
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
  /** Folders found or being created, by path: concurrent callers share one lookup/create. */
  private readonly folders = new Map<string, Promise<DriveFile>>();
  private readonly uploads: UploadContext;

  get clientId(): string | null {
    return this.o.auth._clientId ?? null;
  }

  constructor(private readonly o: RemoteOptions) {
    this.clock = o.clock ?? systemClock;
    this.pacer = new Pacer(this.clock, o.requestsPerSecond ?? 10, o.bandwidthBytesPerSecond ?? null);
    this.t = new Transport({
      auth: o.auth,
      clock: this.clock,
      pacer: this.pacer,
      backoff: { ...DEFAULT_BACKOFF, ...o.backoff },
      waits: { ...DEFAULT_WAITS, ...o.waits },
      onRetry: o.onRetry,
      maxRefreshes: o.maxRefreshes,
    });
    this.t.probing = o.probing ?? false;
    this.drive = driveApi({ version: 'v3', auth: o.auth as unknown as drive_v3.Options['auth'] });
    this.uploads = {
      drive: this.drive,
      auth: o.auth,
      transport: this.t,
      pacer: this.pacer,
      apiUrl: o.apiUrl,
      chunkSize: o.chunkSize ?? DEFAULT_CHUNK_SIZE,
      multipartMaxBytes: o.multipartMaxBytes ?? 5 * 1024 * 1024,
      callOptions: (extra) => this.opts(extra),
      listAll: (q) => this.listAll(q),
      delete: (id) => this.delete(id),
    };
  }

  get stats() {
    return this.t.stats;
  }

  /** Per-call options: media uploads ignore the client's rootUrl, and retries are Cairn's, not gaxios'. */
  private opts(extra: Record<string, unknown> = {}) {
    const timeout = this.o.timeoutMs ? { timeout: this.o.timeoutMs } : {};
    return { rootUrl: this.o.apiUrl, retry: false, ...timeout, ...extra };
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
    let folder: Promise<DriveFile> | null = null;
    for (let i = 0; i < path.length; i++) {
      const key = JSON.stringify([path.slice(0, i + 1), appProperties]);
      const known = this.folders.get(key);
      if (known) {
        folder = known;
        continue;
      }
      const above: Promise<DriveFile> | null = folder;
      const name = path[i]!;
      // Registered before any await, so a concurrent caller finds this promise instead of racing it.
      const next: Promise<DriveFile> = (async () =>
        this.findOrCreateFolder(above ? (await above).id : 'root', name, appProperties))();
      this.folders.set(key, next);
      next.catch(() => this.folders.delete(key));
      folder = next;
    }
    return folder!;
  }

  /** Looks a folder up by name, parent and appProperties, and creates it only when it is not there. */
  private async findOrCreateFolder(
    parent: string,
    name: string,
    appProperties: Record<string, string>,
  ): Promise<DriveFile> {
    const lookup = async () =>
      (await this.listAll({ parentId: parent, name, mimeType: FOLDER_MIME, appProperties }))[0];
    const found = await lookup();
    if (found) return found;
    const requestBody = { name, mimeType: FOLDER_MIME, parents: [parent], appProperties };
    return this.t.run(
      `create the Drive folder ${name}`,
      async () =>
        toFile((await this.drive.files.create({ requestBody, fields: FILE_FIELDS }, this.opts())).data),
      { beforeRetry: async (d) => (ambiguous(d) ? lookup() : undefined) },
    );
  }

  upload(o: UploadOptions): Promise<UploadResult> {
    return uploadFile(this.uploads, o);
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
    return countDownloaded(r.data as unknown as Readable, this.t.stats);
  }

  async downloadTo(
    fileId: string,
    dest: string,
    o: { md5?: string; signal?: AbortSignal } = {},
  ): Promise<number> {
    const backoff = { ...DEFAULT_BACKOFF, ...this.o.backoff };
    return downloadTo({ remote: this, clock: this.clock, backoff }, fileId, dest, o);
  }

  cancelUpload(uri: string): Promise<void> {
    return cancelResumable({ auth: this.o.auth, transport: this.t }, uri);
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
