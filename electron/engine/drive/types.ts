import type { Readable } from 'node:stream';
import type { UploadSource } from './sources';
import type { DriveStats } from './transport';

export type { UploadSource } from './sources';
export type { DriveStats } from './transport';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** A file or folder on Drive, with the fields Cairn asks for. */
export interface DriveFile {
  id: string;
  name: string;
  mimeType: string;
  /** Bytes; null for folders. */
  size: number | null;
  /** Drive's MD5 of the content (hex); null for folders. */
  md5Checksum: string | null;
  appProperties: Record<string, string>;
  parents: string[];
  createdTime: string | null;
  /** The link a user can open in the browser. */
  webViewLink: string | null;
}

/** The account and its storage (about.get). */
export interface DriveAbout {
  displayName: string;
  emailAddress: string;
  /** Storage limit in bytes; null when unlimited. */
  limit: number | null;
  /** Bytes used across Drive, Gmail and Photos. */
  usage: number;
  usageInDrive: number;
  /** What a user should know of the store (S3: "versioning is on", "object lock: 30 days"); none for Drive. */
  notes?: string[];
}

/** Which files to list; all conditions must hold. Trashed files never show. */
export interface ListQuery {
  /** Folder id ('root' for My Drive). */
  parentId?: string;
  name?: string;
  mimeType?: string;
  /** Every pair must be among the file's appProperties. */
  appProperties?: Record<string, string>;
  /** Page size asked of Drive (1..1000, default 1000). */
  pageSize?: number;
}

export interface UploadOptions {
  parentId: string;
  name: string;
  source: UploadSource;
  mimeType?: string;
  appProperties?: Record<string, string>;
  signal?: AbortSignal;
  /** Upload body bytes sent so far for this file (resent bytes included). */
  onProgress?: (bytesSent: number) => void;
  /** Keeps the resumable session of a file upload, so another process can continue it (see UploadSession). */
  session?: UploadSession;
}

/**
 * Where a resumable upload's session URI is kept between processes (the catalog). An upload given a saved
 * URI asks Drive how many bytes it has and sends the rest; a session Drive no longer knows (404/410) is
 * forgotten and a new one started. Only for a `path` source, whose bytes must be the same as before.
 */
export interface UploadSession {
  /** The URI an earlier try saved for these same bytes, or null. */
  uri: string | null;
  /** Called with a new session's URI before any of its bytes is sent. */
  save(uri: string): void;
  /** Called when the URI is of no further use: the upload finished, or Drive forgot the session. */
  forget(): void;
}

/** A finished upload: the file on Drive, whose md5Checksum matched the bytes Cairn read. */
export interface UploadResult {
  file: DriveFile;
  /** True when a retried create found the file its lost first try had made. */
  reused: boolean;
  method: 'multipart' | 'resumable' | 'existing';
}

/**
 * What the Drive copy needs from Google Drive. Every call is paced, retried with backoff on 429, 5xx,
 * rate-limit 403s and dropped connections, refreshes the token on a 401 (within a per-push budget), and fails with a DriveError
 * (a CairnError): code `drive-auth` (not connected, or "Drive link expired": reconnect), `drive-quota`
 * (Drive full), `drive-limit` (Google's upload/rate limit: wait until `resumesAt`, then go on), `not-found`,
 * `drive` (other, after retries), `cancelled`.
 */
export interface DriveRemote {
  /** Account and quota. */
  about(): Promise<DriveAbout>;
  /**
   * Finds or creates a folder path under My Drive, e.g. ['Cairn', machine, plan, 'packs'], and returns the
   * last folder. Looks each level up by name (and appProperties) before creating it, so a retried create
   * leaves no duplicate; when duplicates exist, the oldest wins. Cached for the remote's lifetime.
   */
  ensureFolder(path: string[], appProperties?: Record<string, string>): Promise<DriveFile>;
  /** The folder at `path` if it exists (no creation). */
  findFolder(path: string[]): Promise<DriveFile | null>;
  /**
   * Uploads a file (multipart up to the multipart limit, resumable above or for streams of unknown size),
   * then checks Drive's md5Checksum against the MD5 of the bytes read (a mismatching copy is deleted and a
   * `corrupt` DriveError thrown). A create whose answer was lost is not made twice: before retrying, the
   * file is looked up by name, folder, appProperties and MD5 (`reused`), and a resumable upload asks its
   * session. It does not skip content already on Drive: deciding what Drive lacks is the caller's job.
   */
  upload(o: UploadOptions): Promise<UploadResult>;
  /** Files matching `q`, page by page. */
  list(q: ListQuery): AsyncGenerator<DriveFile>;
  /** All files matching `q`, oldest first. */
  listAll(q: ListQuery): Promise<DriveFile[]>;
  /** One file's metadata. */
  get(fileId: string): Promise<DriveFile>;
  /** The file's bytes from `start` (default 0), as a stream. */
  download(fileId: string, o?: { start?: number; signal?: AbortSignal }): Promise<Readable>;
  /**
   * Downloads to a local file (resuming with Range after a dropped connection) and checks the MD5 against
   * `md5` (or Drive's). Returns the bytes written.
   */
  downloadTo(fileId: string, dest: string, o?: { md5?: string; signal?: AbortSignal }): Promise<number>;
  /** Deletes a file or a folder with all it holds; an already-deleted file is not an error. */
  delete(fileId: string): Promise<void>;
  /** Cancels a resumable upload session (DELETE on its URI); one Drive no longer knows is not an error. */
  cancelUpload(uri: string): Promise<void>;
  /** Counters since the remote was made. */
  readonly stats: DriveStats;
  /** The OAuth client ID this remote signs in as (kept in plan.json: Drive shows a client only its own files). */
  readonly clientId?: string | null;
  /** Which kind of store (issue #18: the same contract over Drive, S3 and rclone); undefined means Drive. */
  readonly kind?: 'drive' | 's3' | 'rclone';
  /** Where the copy lives, for messages and status: "Google Drive", "s3://bucket/prefix", "nas:backups". */
  readonly label?: string;
  /**
   * Pack size this store suits (default packer.ts PACK_TARGET_BYTES, 32 MiB). A store that cannot resume an
   * interrupted upload (rclone) asks for smaller packs, so a kill -9 costs less than one pack per upload.
   */
  readonly packTargetBytes?: number;
}
