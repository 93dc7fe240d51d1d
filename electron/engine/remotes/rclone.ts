// The off-site copy on any rclone remote (issue #18): SFTP, WebDAV, OneDrive, Dropbox, Google Cloud Storage,
// Azure Blob... through Debian's `rclone` commands, one process per call. rclone's config holds the remote's
// credentials; Cairn never asks for them. Paths as remotes18.md maps them: a folder id is "REMOTE:PATH/a/b/"
// (folders are implicit: made by the uploads under them), a file id "REMOTE:PATH/a/b/name".
//
// What rclone cannot do, and what Cairn does instead:
// - No resume of an interrupted upload: `save` is never called (the pack layer sends that pack again), and
//   packs are 8 MiB, so a kill -9 costs at most 8 MiB per upload in flight.
// - No metadata on every backend: appProperties come back `{}` and a query with appProperties matches nothing
//   (the small plan files, plan.json and backups.json, are then uploaded again at each push).
// - No paging: `lsjson` answers a folder at once (`pageSize` is ignored).
// - MD5 comes from `lsjson --hash --hash-type MD5`; over SFTP rclone runs `md5sum` on the server (the
//   remote needs `shell_type = unix`). A backend without MD5 gives null, and then only rclone's own hash
//   check of the transfer stands behind an upload.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CairnError } from '../errors';
import { downloadTo } from '../drive/download';
import { DriveError } from '../drive/errors';
import { oldestFirst } from '../drive/files';
import { backoffDelay, DEFAULT_BACKOFF, systemClock, type BackoffPolicy, type Clock } from '../drive/pacing';
import { openSource, type SourceReader } from '../drive/sources';
import { emptyStats, type DriveStats } from '../drive/transport';
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
import type { RcloneConfig } from './registry';
import { failureDetails, failureKind, rcloneError, type RcloneWhere } from './rcloneErrors';
import { RcloneFailure, runRclone, startRclone, writeChunk, type RcloneSetup } from './rcloneRun';

/** Packs this small: rclone cannot resume an upload, so a kill -9 resends at most one pack per upload. */
export const RCLONE_PACK_BYTES = 8 * 1024 * 1024;
/** A command whose input and output stand still this long is killed (and retried). */
export const RCLONE_IDLE_MS = 5 * 60_000;
const CHUNK = 1024 * 1024;

export function createRcloneRemote(
  o: StoreOptions & { name: string; config: RcloneConfig; env?: NodeJS.ProcessEnv },
): DriveRemote {
  return new RcloneRemote(o);
}

/** One entry of `rclone lsjson`. */
interface LsEntry {
  Name: string;
  Size: number;
  MimeType?: string;
  ModTime?: string;
  IsDir: boolean;
  Hashes?: { md5?: string };
}

/** "nas:backups" → "nas:backups/"; "nas:" and "nas:dir/" stay as they are. */
export function baseOf(remote: string): string {
  return remote.endsWith(':') || remote.endsWith('/') ? remote : `${remote}/`;
}

/** The rclone remote's name: "nas" of "nas:backups" (a plain local path names itself). */
export function remoteNameOf(remote: string): string {
  const i = remote.indexOf(':', 1);
  return i > 0 ? remote.slice(0, i) : remote;
}

/** The last name of an id: "b" of "nas:x/a/b" and of "nas:x/a/b/". */
function nameOf(id: string): string {
  const trimmed = id.endsWith('/') ? id.slice(0, -1) : id;
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1);
}

class RcloneRemote implements DriveRemote {
  readonly kind = 'rclone' as const;
  readonly label: string;
  readonly packTargetBytes = RCLONE_PACK_BYTES;
  readonly clientId = null;
  readonly stats: DriveStats = emptyStats();
  private readonly base: string;
  private readonly setup: RcloneSetup;
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly where: RcloneWhere;

  constructor(
    private readonly o: StoreOptions & { name: string; config: RcloneConfig; env?: NodeJS.ProcessEnv },
  ) {
    this.label = o.config.remote;
    this.base = baseOf(o.config.remote);
    this.clock = o.clock ?? systemClock;
    this.backoff = { ...DEFAULT_BACKOFF, ...o.backoff, ...(o.quick ? { maxAttempts: 1 } : {}) };
    const idleMs = o.quick ? QUICK_TIMEOUT_MS : (o.timeoutMs ?? RCLONE_IDLE_MS);
    this.setup = {
      configFile: o.config.configFile,
      // PATH (to find rclone) and HOME (its default config) stay when the caller passes only a few variables.
      env: { ...process.env, ...o.env },
      idleMs,
      connectMs: Math.min(idleMs, 30_000),
    };
    this.where = {
      remoteName: remoteNameOf(o.config.remote),
      label: this.label,
      configFile: o.config.configFile,
    };
  }

  /**
   * Runs `attempt` until it succeeds or fails for good: dropped connections, timeouts and rclone's temporary
   * errors back off as Drive's requests do (pacing.ts); the rest become a DriveError at once.
   */
  private async run<T>(what: string, attempt: (n: number) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const max = Math.max(1, this.backoff.maxAttempts);
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw new CairnError('cancelled', 'The rclone transfer was cancelled.');
      this.stats.requests++;
      try {
        return await attempt(n);
      } catch (e) {
        if (!(e instanceof RcloneFailure)) throw e;
        if (failureKind(e) !== 'retry' || n + 1 >= max) throw rcloneError(e, what, this.where);
        const delayMs = backoffDelay(n, this.backoff);
        this.stats.retries++;
        this.o.onRetry?.({ what, attempt: n + 1, delayMs, details: failureDetails(e) });
        await this.clock.sleep(delayMs, signal);
      }
    }
  }

  private exec(what: string, args: string[], signal?: AbortSignal): Promise<string> {
    return this.run(what, () => runRclone(this.setup, args, { signal }), signal);
  }

  /** The path a folder id or 'root' stands for, ending in '/' (or ':'). */
  private dir(parentId: string | undefined): string {
    return !parentId || parentId === 'root' ? this.base : baseOf(parentId);
  }

  private toFile(e: LsEntry, parent: string): DriveFile {
    return {
      id: parent + e.Name + (e.IsDir ? '/' : ''),
      name: e.Name,
      mimeType: e.IsDir ? FOLDER_MIME : (e.MimeType ?? 'application/octet-stream'),
      size: e.IsDir ? null : e.Size,
      md5Checksum: e.IsDir ? null : (e.Hashes?.md5 ?? null),
      appProperties: {},
      parents: [parent],
      createdTime: e.ModTime ?? null,
      webViewLink: null,
    };
  }

  private folder(id: string): DriveFile {
    const trimmed = id.slice(0, -1);
    const parent = trimmed.slice(0, Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1);
    return implicitFolder(id, nameOf(id), parent ? [parent] : []);
  }

  /** One entry by its path, or null when there is none. */
  private async stat(path: string, parent: string): Promise<DriveFile | null> {
    try {
      const out = await this.exec(`read ${nameOf(path)}`, [
        'lsjson',
        '--stat',
        '--hash',
        '--hash-type',
        'MD5',
        path,
      ]);
      // A folder's own entry has no name: it is the last name of the path.
      return this.toFile({ ...(JSON.parse(out) as LsEntry), Name: nameOf(path) }, parent);
    } catch (e) {
      if (e instanceof DriveError && e.code === 'not-found' && e.reason === 'notFound') return null;
      throw e;
    }
  }

  async about(): Promise<DriveAbout> {
    const about: DriveAbout = {
      displayName: this.label,
      emailAddress: '',
      limit: null,
      usage: 0,
      usageInDrive: 0,
    };
    try {
      const r = JSON.parse(
        await this.exec(`read how full ${this.label} is`, ['about', '--json', this.base]),
      ) as {
        total?: number;
        used?: number;
      };
      return { ...about, limit: r.total ?? null, usage: r.used ?? 0, usageInDrive: r.used ?? 0 };
    } catch (e) {
      if (!(e instanceof DriveError) || !/doesn't support about|not supported/i.test(e.message)) throw e;
      return { ...about, notes: [`rclone cannot tell how full ${this.label} is.`] };
    }
  }

  /** Free bytes where the backend says (`rclone about`), else null. */
  private async freeBytes(): Promise<number | null> {
    try {
      const r = JSON.parse(await runRclone(this.setup, ['about', '--json', this.base])) as { free?: number };
      return typeof r.free === 'number' ? r.free : null;
    } catch {
      return null;
    }
  }

  async *list(q: ListQuery): AsyncGenerator<DriveFile> {
    for (const f of await this.listAll(q)) yield f;
  }

  async listAll(q: ListQuery): Promise<DriveFile[]> {
    if (q.appProperties && Object.keys(q.appProperties).length > 0) return [];
    const parent = this.dir(q.parentId);
    let files: DriveFile[];
    if (q.name !== undefined) {
      const f = await this.stat(parent + q.name, parent);
      files = f ? [f] : [];
    } else {
      files = await this.lsjson(parent, q.mimeType);
    }
    const folders = q.mimeType === FOLDER_MIME;
    return files.filter((f) => !q.mimeType || (f.mimeType === FOLDER_MIME) === folders).sort(oldestFirst);
  }

  /** One level of a folder; a folder that is not there holds nothing. */
  private async lsjson(parent: string, mimeType: string | undefined): Promise<DriveFile[]> {
    const only = !mimeType ? [] : mimeType === FOLDER_MIME ? ['--dirs-only'] : ['--files-only'];
    try {
      const out = await this.exec(`list ${parent}`, [
        'lsjson',
        '--hash',
        '--hash-type',
        'MD5',
        ...only,
        parent,
      ]);
      return (JSON.parse(out) as LsEntry[]).map((e) => this.toFile(e, parent));
    } catch (e) {
      if (e instanceof DriveError && e.code === 'not-found' && e.reason === 'notFound') return [];
      throw e;
    }
  }

  async get(fileId: string): Promise<DriveFile> {
    const parent = fileId.slice(0, fileId.length - nameOf(fileId).length - (fileId.endsWith('/') ? 1 : 0));
    const f = await this.stat(fileId.endsWith('/') ? fileId.slice(0, -1) : fileId, parent);
    if (!f)
      throw new DriveError('not-found', `Could not read ${fileId}: it is not on ${this.label}.`, 'notFound');
    return f;
  }

  async findFolder(path: string[]): Promise<DriveFile | null> {
    if (path.length === 0) return null;
    const f = await this.get(this.base + path.join('/') + '/').catch((e: unknown) => {
      if (e instanceof DriveError && e.code === 'not-found' && e.reason === 'notFound') return null;
      throw e;
    });
    return f && f.mimeType === FOLDER_MIME ? f : null;
  }

  async ensureFolder(path: string[]): Promise<DriveFile> {
    if (path.length === 0) throw new CairnError('usage', 'A folder path needs at least one name.');
    return this.folder(this.base + path.join('/') + '/');
  }

  async upload(o: UploadOptions): Promise<UploadResult> {
    const target = this.dir(o.parentId) + o.name;
    const size = 'path' in o.source ? (await fs.promises.stat(o.source.path)).size : (o.source.size ?? null);
    const sent = { bytes: 0 };
    let md5: string;
    try {
      md5 = await this.run(
        `upload ${o.name}`,
        async (n) => {
          if (n > 0 && !('path' in o.source))
            throw new DriveError(
              'drive',
              `The upload of ${o.name} to ${this.label} failed; push again.`,
              'stream',
            );
          const reader = await openSource(o.source);
          try {
            return await this.rcat(target, reader, size, sent, o);
          } finally {
            await reader.close();
          }
        },
        o.signal,
      );
    } catch (e) {
      throw await this.quotaOr(e, size);
    }
    const file = await this.get(target);
    if (file.md5Checksum !== null && file.md5Checksum !== md5) {
      await this.delete(file.id);
      throw new DriveError(
        'corrupt',
        `The copy of ${o.name} on ${this.label} did not match what Cairn sent (MD5 ${file.md5Checksum}); it was removed, push again.`,
        'checksum',
      );
    }
    return { file, reused: false, method: 'multipart' };
  }

  /**
   * SFTP says only "failure" when the server's disk is full: an upload that failed for no reason rclone
   * names is a quota error when the remote has less room than the file.
   */
  private async quotaOr(e: unknown, size: number | null): Promise<unknown> {
    if (!(e instanceof DriveError) || e.code !== 'drive' || e.reason !== 'rclone' || size === null) return e;
    const free = await this.freeBytes();
    if (free === null || free >= size) return e;
    return new DriveError(
      'drive-quota',
      `${this.label} is full (${free} bytes free, ${size} needed): free up space there, then push again. Local backups are untouched.`,
      'quota',
    );
  }

  /** Pipes the source into `rclone rcat`, hashing and counting each byte handed on; returns the MD5. */
  private async rcat(
    target: string,
    reader: SourceReader,
    size: number | null,
    sent: { bytes: number },
    o: UploadOptions,
  ): Promise<string> {
    const sizeFlag = size === null ? [] : ['--size', String(size)];
    const p = startRclone(this.setup, ['rcat', ...sizeFlag, target], { signal: o.signal, stdin: true });
    p.stdout.resume();
    const hash = crypto.createHash('md5');
    const buf = Buffer.alloc(CHUNK);
    for (let i = 0; i < Number.MAX_SAFE_INTEGER; i++) {
      const n = await reader.fill(buf).catch(async (e: unknown) => {
        p.kill(); // the source failed: that error stands
        await p.done.catch(() => undefined);
        throw e;
      });
      if (n === 0) break;
      const chunk = Buffer.from(buf.subarray(0, n));
      hash.update(chunk);
      const written = await writeChunk(p.stdin, chunk).then(
        () => true,
        () => false,
      );
      // rclone stopped reading: its exit says why.
      if (!written) break;
      p.touch();
      sent.bytes += n;
      this.stats.bytesUploaded += n;
      o.onProgress?.(sent.bytes);
      if (n < buf.length) break;
    }
    p.stdin.end();
    await p.done;
    return hash.digest('hex');
  }

  async download(fileId: string, o: { start?: number; signal?: AbortSignal } = {}): Promise<Readable> {
    const offset = o.start ? ['--offset', String(o.start)] : [];
    return this.run(`download ${nameOf(fileId)}`, () => this.cat([...offset, fileId], o.signal), o.signal);
  }

  /**
   * Starts `rclone cat` and waits for its first bytes (or its end), so a failure before any byte is retried
   * here; a failure later ends the stream with a network error, which downloadTo resumes from where it was.
   */
  private async cat(args: string[], signal?: AbortSignal): Promise<Readable> {
    const p = startRclone(this.setup, ['cat', ...args], { signal });
    const it = p.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await it.next();
    if (first.done) {
      await p.done;
      return Readable.from([], { objectMode: false });
    }
    const stats = this.stats;
    const where = this.where;
    async function* rest(): AsyncGenerator<Buffer> {
      let ended = false;
      try {
        stats.bytesDownloaded += first.value.length;
        yield first.value;
        for (let r = await it.next(); !r.done; r = await it.next()) {
          p.touch();
          stats.bytesDownloaded += r.value.length;
          yield r.value;
        }
        ended = true;
        await p.done.catch((e: unknown) => {
          if (!(e instanceof RcloneFailure)) throw e;
          if (failureKind(e) !== 'retry') throw rcloneError(e, `download ${args.at(-1)}`, where);
          throw Object.assign(new Error(`rclone cat stopped: ${e.message}`), { code: 'ECONNRESET' });
        });
      } finally {
        if (!ended) p.kill();
      }
    }
    return Readable.from(rest(), { objectMode: false });
  }

  async downloadTo(
    fileId: string,
    dest: string,
    o: { md5?: string; signal?: AbortSignal } = {},
  ): Promise<number> {
    const ctx = { remote: this, clock: this.clock, backoff: this.backoff, store: this.label };
    return downloadTo(ctx, fileId, dest, o);
  }

  /** A folder id (ending in '/') goes with all it holds (`purge`), a file with `deletefile`; gone is fine. */
  async delete(fileId: string): Promise<void> {
    if (fileId === this.base || fileId === 'root')
      throw new CairnError('usage', `Cairn does not delete the whole of ${this.label}.`);
    const args = fileId.endsWith('/') ? ['purge', fileId] : ['deletefile', fileId];
    try {
      await this.exec(`delete ${nameOf(fileId)}`, args);
    } catch (e) {
      if (e instanceof DriveError && e.code === 'not-found' && e.reason === 'notFound') return;
      throw e;
    }
  }

  /** rclone never saves an upload session, so there is none to cancel. */
  async cancelUpload(): Promise<void> {}
}
