import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errors } from './protocol';
import type { Queryable } from './query';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** One file or folder as the emulator keeps it. Bytes live in `<dir>/blobs/<id>`. */
export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  parents: string[];
  appProperties: Record<string, string>;
  size: number | null;
  md5Checksum: string | null;
  createdTime: string;
  modifiedTime: string;
  trashed: boolean;
}

/** What a client may set when it creates a file. */
export interface CreateMeta {
  name?: unknown;
  mimeType?: unknown;
  parents?: unknown;
  appProperties?: unknown;
}

/** A finished upload waiting to become a file: its bytes in a temporary file. */
export interface Blob {
  tmpPath: string;
  size: number;
  md5: string;
}

/** Drive-style file id: 33 URL-safe characters. */
export function newId(): string {
  return '1' + crypto.randomBytes(24).toString('base64url');
}

/** The emulator's files: metadata in memory (mirrored to files.json), bytes in a temp folder. */
export class FileStore {
  readonly rootId = newId();
  readonly files = new Map<string, StoredFile>();
  readonly blobDir: string;
  readonly tmpDir: string;
  private clock = 0;

  constructor(
    readonly dir: string,
    public quotaBytes: number | null,
  ) {
    this.blobDir = path.join(dir, 'blobs');
    this.tmpDir = path.join(dir, 'tmp');
    fs.mkdirSync(this.blobDir, { recursive: true });
    fs.mkdirSync(this.tmpDir, { recursive: true });
  }

  /** Bytes used by stored files. */
  usage(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.size ?? 0;
    return n;
  }

  /** Throws storageQuotaExceeded when `extra` more bytes would not fit. */
  checkQuota(extra: number): void {
    if (this.quotaBytes !== null && this.usage() + extra > this.quotaBytes) throw errors.storageQuota();
  }

  /** Resolves the alias `root`. */
  resolve(id: string): string {
    return id === 'root' ? this.rootId : id;
  }

  /** A file by id (not the root), or a 404 in Drive's shape. */
  get(id: string): StoredFile {
    const f = this.files.get(this.resolve(id));
    if (!f) throw errors.notFound(id);
    return f;
  }

  /** Validates metadata and stores a new file (with its bytes when `blob` is given). */
  create(meta: CreateMeta, blob: Blob | null): StoredFile {
    const name = typeof meta.name === 'string' ? meta.name : 'Untitled';
    const mimeType =
      typeof meta.mimeType === 'string' ? meta.mimeType : blob ? 'application/octet-stream' : 'text/plain';
    const parents = Array.isArray(meta.parents)
      ? meta.parents.map((p) => this.resolve(String(p)))
      : [this.rootId];
    if (parents.length > 1) throw errors.invalid('A file can have only one parent.', 'parents');
    for (const p of parents) {
      if (p === this.rootId) continue;
      const parent = this.files.get(p);
      if (!parent) throw errors.notFound(p);
      if (parent.mimeType !== FOLDER_MIME) throw errors.invalid('The parent is not a folder.', 'parents');
    }
    const appProperties: Record<string, string> = {};
    if (meta.appProperties !== undefined) {
      if (typeof meta.appProperties !== 'object' || meta.appProperties === null) {
        throw errors.invalid('appProperties must be an object.', 'appProperties');
      }
      for (const [k, v] of Object.entries(meta.appProperties)) {
        const value = String(v);
        if (Buffer.byteLength(k) + Buffer.byteLength(value) > 124) {
          throw errors.invalid(`The property ${k} is longer than 124 bytes.`, 'appProperties');
        }
        appProperties[k] = value;
      }
    }
    const isFolder = mimeType === FOLDER_MIME;
    if (isFolder && blob) throw errors.invalid('A folder cannot have content.');
    if (blob) this.checkQuota(blob.size);
    const id = newId();
    const t = new Date(Date.now() + this.clock++).toISOString();
    const f: StoredFile = {
      id,
      name,
      mimeType,
      parents,
      appProperties,
      size: isFolder ? null : (blob?.size ?? 0),
      md5Checksum: isFolder ? null : (blob?.md5 ?? crypto.createHash('md5').digest('hex')),
      createdTime: t,
      modifiedTime: t,
      trashed: false,
    };
    if (!isFolder) {
      const dest = this.blobPath(id);
      if (blob) fs.renameSync(blob.tmpPath, dest);
      else fs.writeFileSync(dest, '');
    }
    this.files.set(id, f);
    this.persist();
    return f;
  }

  /** Deletes a file, or a folder with everything under it (as Drive does for the owner). */
  delete(id: string): void {
    const f = this.get(id);
    const gone = [f.id];
    for (let i = 0; i < gone.length && i < 1_000_000; i++) {
      for (const c of this.files.values()) if (c.parents.includes(gone[i]!)) gone.push(c.id);
    }
    for (const g of gone) {
      this.files.delete(g);
      fs.rmSync(this.blobPath(g), { force: true });
    }
    this.persist();
  }

  /** Path of a file's bytes. */
  blobPath(id: string): string {
    return path.join(this.blobDir, id);
  }

  /** A file as a query sees it (`'root' in parents` matches top-level files). */
  queryable(f: StoredFile): Queryable {
    return { ...f, parents: f.parents.includes(this.rootId) ? [...f.parents, 'root'] : f.parents };
  }

  /** The full Drive resource of a file; callers trim it with `fields`. */
  resource(f: StoredFile): Record<string, unknown> {
    const folder = f.mimeType === FOLDER_MIME;
    return {
      kind: 'drive#file',
      id: f.id,
      name: f.name,
      mimeType: f.mimeType,
      parents: f.parents,
      appProperties: f.appProperties,
      ...(folder ? {} : { size: String(f.size), md5Checksum: f.md5Checksum }),
      createdTime: f.createdTime,
      modifiedTime: f.modifiedTime,
      trashed: f.trashed,
      webViewLink: folder
        ? `https://drive.google.com/drive/folders/${f.id}`
        : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`,
    };
  }

  /** Mirrors metadata to files.json so another process can read what is stored. */
  persist(): void {
    const tmp = path.join(this.dir, 'files.json.tmp');
    fs.writeFileSync(tmp, JSON.stringify({ rootId: this.rootId, files: [...this.files.values()] }, null, 1));
    fs.renameSync(tmp, path.join(this.dir, 'files.json'));
  }
}
