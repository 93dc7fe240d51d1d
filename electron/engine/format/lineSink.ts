import { once } from 'node:events';
import fs from 'node:fs';
import zlib from 'node:zlib';

/** Streams text lines to a file (gzipped or plain), batching and honouring back-pressure so memory stays flat. */
export class LineSink {
  private buf: string[] = [];
  private bufLen = 0;
  private readonly head: NodeJS.WritableStream;
  private readonly out: fs.WriteStream;
  private readonly done: Promise<void>;

  constructor(
    readonly file: string,
    gzip: boolean,
  ) {
    this.out = fs.createWriteStream(file, { flags: 'wx' });
    const gz = gzip ? zlib.createGzip({ level: 1 }) : null;
    if (gz) gz.pipe(this.out);
    this.head = gz ?? this.out;
    this.done = new Promise((resolve, reject) => {
      this.out.on('close', resolve);
      this.out.on('error', reject);
      gz?.on('error', reject);
    });
    this.done.catch(() => undefined);
  }

  /** Adds one line; await the result only when it is a promise (the stream wants a pause). */
  add(line: string): Promise<void> | undefined {
    this.buf.push(line);
    this.bufLen += line.length + 1;
    return this.bufLen >= 64 * 1024 ? this.flush() : undefined;
  }

  private flush(): Promise<void> | undefined {
    if (this.buf.length === 0) return undefined;
    const chunk = this.buf.join('\n') + '\n';
    this.buf = [];
    this.bufLen = 0;
    if (this.head.write(chunk)) return undefined;
    return Promise.race([once(this.head as NodeJS.EventEmitter, 'drain').then(() => undefined), this.done]);
  }

  /** Writes the last lines, closes the file and fsyncs it. */
  async finish(last?: string): Promise<void> {
    if (last !== undefined) this.buf.push(last);
    await this.flush();
    this.head.end();
    await this.done;
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Stops writing (the run failed) and removes the file, once the stream has closed: the file is opened
   * asynchronously, so removing it before then would let the open create it again afterwards.
   */
  async abort(): Promise<void> {
    (this.head as fs.WriteStream).destroy();
    this.out.destroy();
    await this.done.catch(() => undefined);
    fs.rmSync(this.file, { force: true });
  }
}
