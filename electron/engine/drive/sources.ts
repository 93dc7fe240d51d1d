import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { CairnError } from '../errors';

/** What to upload: a file on disk (re-readable, so an upload can start over) or a one-pass stream. */
export type UploadSource = { path: string } | { stream: Readable; size?: number };

/** Reads a source front to back into caller-provided buffers, so memory stays at one chunk. */
export interface SourceReader {
  /** Total size when known. */
  readonly size: number | null;
  /** Whether the source can be read again from the start (a file). */
  readonly restartable: boolean;
  /** Fills `buf` as far as the source allows; returns the bytes read (less than buf.length only at the end). */
  fill(buf: Buffer): Promise<number>;
  close(): Promise<void>;
}

class FileReader implements SourceReader {
  readonly restartable = true;
  private pos = 0;
  private constructor(
    private readonly fh: fs.promises.FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileReader> {
    const fh = await fs.promises.open(path, 'r');
    const st = await fh.stat();
    return new FileReader(fh, st.size);
  }

  async fill(buf: Buffer): Promise<number> {
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await this.fh.read(buf, n, buf.length - n, this.pos);
      if (bytesRead === 0) break;
      n += bytesRead;
      this.pos += bytesRead;
    }
    return n;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

class StreamReader implements SourceReader {
  readonly restartable = false;
  private readonly it: AsyncIterator<Buffer>;
  private rest: Buffer | null = null;
  private ended = false;

  constructor(
    private readonly stream: Readable,
    readonly size: number | null,
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }

  async fill(buf: Buffer): Promise<number> {
    let n = 0;
    while (n < buf.length) {
      if (!this.rest) {
        if (this.ended) break;
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          break;
        }
        this.rest = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as Uint8Array);
      }
      const take = Math.min(this.rest.length, buf.length - n);
      this.rest.copy(buf, n, 0, take);
      n += take;
      this.rest = take === this.rest.length ? null : this.rest.subarray(take);
    }
    return n;
  }

  async close(): Promise<void> {
    if (!this.ended) this.stream.destroy();
  }
}

/** Opens a reader over an upload source. */
export async function openSource(s: UploadSource): Promise<SourceReader> {
  if ('path' in s) return FileReader.open(s.path);
  return new StreamReader(s.stream, s.size ?? null);
}

/** Reads a small source whole: exactly `size` bytes, else an `io` error naming `name` (it changed size). */
export async function readWhole(source: UploadSource, size: number, name: string): Promise<Buffer> {
  const reader = await openSource(source);
  const data = Buffer.alloc(size);
  try {
    if ((await reader.fill(data)) !== size) {
      throw new CairnError('io', `${name} changed size while Cairn was reading it; push again.`);
    }
  } finally {
    await reader.close();
  }
  return data;
}
