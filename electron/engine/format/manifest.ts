import fs from 'node:fs';
import zlib from 'node:zlib';
import { LineSink } from './lineSink';

/**
 * One line of a backup manifest. Paths are relative to the backup folder and start with the source label.
 * The manifest is tab-separated text (gzipped), one entry per line in walk order, so that standard tools
 * (zcat, awk, sha256sum) can read it and the next backup can merge-join against it while streaming.
 */
export interface ManifestEntry {
  kind: 'f' | 'd' | 'l';
  path: string;
  size: number;
  mtimeMs: number;
  mode: number;
  sha256: string | null;
  target: string | null;
  /** The source file's identity when it was read ("dev:ino"), to spot changes without reading. */
  ino: string | null;
  ctimeMs: number | null;
  /** 's': copied with SQLite's online backup API. */
  flags: string;
}

export interface ManifestHeader {
  version: number;
  plan: string;
  stamp: string;
  startedAt: number;
  sources: { label: string; path: string }[];
}

export interface ManifestFooter {
  entries: number;
  files: number;
  bytes: number;
}

export const MANIFEST_VERSION = 1;

const ESC: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const UNESC: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

/**
 * Escapes a path for one manifest field (backslash, tab, newline, carriage return, and as \xHH each byte of
 * a name that is not valid UTF-8, held as a lone surrogate: see fsName.ts). The catalog stores paths in this
 * form too, as SQLite text cannot hold those bytes.
 */
export function escapeField(s: string): string {
  return /[\\\t\n\r\uDC80-\uDCFF]/.test(s)
    ? s.replace(
        /[\\\t\n\r]|[\uDC80-\uDCFF]/gu,
        (c) => ESC[c] ?? `\\x${(c.charCodeAt(0) & 0xff).toString(16)}`,
      )
    : s;
}

/** Reverses escapeField. */
export function unescapeField(s: string): string {
  return s.includes('\\')
    ? s.replace(/\\(x[0-9a-f]{2}|.)/g, (_, c: string) =>
        c.length === 3 ? String.fromCharCode(0xdc00 + parseInt(c.slice(1), 16)) : (UNESC[c] ?? c),
      )
    : s;
}

/** Orders paths as the walk visits them: component by component, so "a/b" sorts before "a.txt". */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 47) x = -1;
    if (y === 47) y = -1;
    return x - y;
  }
  return a.length - b.length;
}

/** True when two entries are the same file version (what the catalog stores once). */
export function sameVersion(a: ManifestEntry, b: ManifestEntry): boolean {
  return (
    a.kind === b.kind &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.mode === b.mode &&
    a.sha256 === b.sha256 &&
    a.target === b.target
  );
}

/** Formats one entry as a manifest line (without the newline). */
export function formatEntry(e: ManifestEntry): string {
  return [
    e.kind,
    escapeField(e.path),
    String(e.size),
    String(e.mtimeMs),
    e.mode.toString(8),
    e.sha256 ?? '-',
    e.target === null ? '-' : escapeField(e.target),
    e.ino ?? '-',
    e.ctimeMs === null ? '-' : String(e.ctimeMs),
    e.flags || '-',
  ].join('\t');
}

/** Parses one manifest entry line; throws on a malformed line. */
export function parseEntry(line: string): ManifestEntry {
  const f = line.split('\t');
  if (f.length !== 10 || (f[0] !== 'f' && f[0] !== 'd' && f[0] !== 'l')) {
    throw new Error(`malformed manifest line: ${line.slice(0, 80)}`);
  }
  const [kind, p, size, mtime, mode, sha, target, ino, ctime, flags] = f as ['f' | 'd' | 'l', ...string[]];
  return {
    kind,
    path: unescapeField(p!),
    size: Number(size),
    mtimeMs: Number(mtime),
    mode: parseInt(mode!, 8),
    sha256: sha === '-' ? null : sha!,
    target: target === '-' ? null : unescapeField(target!),
    ino: ino === '-' ? null : ino!,
    ctimeMs: ctime === '-' ? null : Number(ctime),
    flags: flags === '-' ? '' : flags!,
  };
}

function headerLines(h: ManifestHeader): string {
  const lines = [
    `#cairn-manifest\t${h.version}`,
    `#plan\t${escapeField(h.plan)}`,
    `#stamp\t${h.stamp}`,
    `#started\t${h.startedAt}`,
    '#columns\tkind\tpath\tsize\tmtime_ms\tmode_octal\tsha256\tsymlink_target\tsource_ino\tsource_ctime_ms\tflags',
    ...h.sources.map((s) => `#source\t${escapeField(s.label)}\t${escapeField(s.path)}`),
  ];
  return lines.join('\n') + '\n';
}

/** Streams a backup's manifest to its gzip file. */
export class ManifestWriter {
  private readonly sink: LineSink;
  entries = 0;
  files = 0;
  bytes = 0;

  constructor(file: string, header: ManifestHeader) {
    this.sink = new LineSink(file, true);
    void this.sink.add(headerLines(header).trimEnd());
  }

  /**
   * Adds one entry; await the result only when it is a promise. `line` is the entry already formatted (an
   * unchanged file's line from the previous manifest), to save formatting it again.
   */
  add(e: ManifestEntry, line?: string): Promise<void> | undefined {
    this.entries++;
    if (e.kind === 'f') {
      this.files++;
      this.bytes += e.size;
    }
    return this.sink.add(line ?? formatEntry(e));
  }

  /** Writes the footer (which marks the file whole), closes and fsyncs it. */
  async finish(): Promise<ManifestFooter> {
    const footer = { entries: this.entries, files: this.files, bytes: this.bytes };
    await this.sink.finish(`#end\t${footer.entries}\t${footer.files}\t${footer.bytes}`);
    return footer;
  }

  /** Stops writing and removes the partial manifest. */
  abort(): Promise<void> {
    return this.sink.abort();
  }
}

/**
 * Reads a manifest entry by entry while streaming. `peek()` and `next()` answer synchronously when a line
 * is already buffered, so the backup walk only waits when the decompressor has fallen behind.
 */
export class ManifestReader {
  header: ManifestHeader = { version: 0, plan: '', stamp: '', startedAt: 0, sources: [] };
  footer: ManifestFooter | null = null;
  private readonly it: AsyncIterator<Buffer>;
  private lines: string[] = [];
  private pos = 0;
  private rest = '';
  private ended = false;
  private current: ManifestEntry | null | undefined;
  /** The line `current` was parsed from, as it is in the file. */
  private currentLine = '';
  private readonly src: fs.ReadStream;

  private constructor(readonly file: string) {
    // Large chunks: every chunk costs a turn of the async iterator, which weighs more than the bytes.
    const src = (this.src = fs.createReadStream(file, { highWaterMark: 1 << 20 }));
    const gz = zlib.createGunzip({ chunkSize: 1 << 18 });
    // pipe() does not forward errors: a missing or unreadable file must reject the reader, not the process.
    src.on('error', (e) => gz.destroy(e));
    const stream = src.pipe(gz);
    this.it = stream[Symbol.asyncIterator]();
  }

  /** Opens a manifest and reads its header lines. */
  static async open(file: string): Promise<ManifestReader> {
    const r = new ManifestReader(file);
    await r.fill();
    const first = r.lines[r.pos];
    if (!first?.startsWith('#cairn-manifest\t')) throw new Error(`${file} is not a Cairn manifest`);
    r.header.version = Number(first.split('\t')[1]);
    if (r.header.version !== MANIFEST_VERSION) {
      throw new Error(
        `${file} has manifest version ${r.header.version}; this Cairn reads ${MANIFEST_VERSION}`,
      );
    }
    // Header lines come first; consume them.
    for (;;) {
      if (r.pos >= r.lines.length && !(await r.fill())) break;
      const line = r.lines[r.pos]!;
      if (!line.startsWith('#') || line.startsWith('#end\t')) break;
      r.pos++;
      r.readMeta(line);
    }
    return r;
  }

  private readMeta(line: string): void {
    const f = line.split('\t');
    switch (f[0]) {
      case '#plan':
        this.header.plan = unescapeField(f[1] ?? '');
        break;
      case '#stamp':
        this.header.stamp = f[1] ?? '';
        break;
      case '#started':
        this.header.startedAt = Number(f[1]);
        break;
      case '#source':
        this.header.sources.push({ label: unescapeField(f[1] ?? ''), path: unescapeField(f[2] ?? '') });
        break;
      case '#end':
        this.footer = { entries: Number(f[1]), files: Number(f[2]), bytes: Number(f[3]) };
        break;
    }
  }

  private async fill(): Promise<boolean> {
    while (!this.ended) {
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        if (this.rest) this.lines.push(this.rest);
        this.rest = '';
        break;
      }
      const parts = (this.rest + r.value.toString('utf8')).split('\n');
      this.rest = parts.pop()!;
      if (parts.length) {
        this.lines = this.pos < this.lines.length ? this.lines.slice(this.pos).concat(parts) : parts;
        this.pos = 0;
        return true;
      }
    }
    return this.pos < this.lines.length;
  }

  /**
   * The next entry's line, consumed and not parsed (see parseEntry): synchronously when it is buffered,
   * undefined when it is not yet (await nextLine()), null at the end. Not to be mixed with peek().
   */
  nextLineSync(): string | null | undefined {
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos++]!;
      if (line.charCodeAt(0) === 35 /* # */) {
        this.readMeta(line);
        continue;
      }
      if (line !== '') return line;
    }
    return this.ended ? null : undefined;
  }

  /** The next entry's line, consumed and not parsed; null at the end. */
  async nextLine(): Promise<string | null> {
    for (;;) {
      const line = this.nextLineSync();
      if (line !== undefined) return line;
      await this.fill();
    }
  }

  /** The next entry without consuming it, synchronously if buffered; null at the end. */
  peekSync(): ManifestEntry | null | undefined {
    if (this.current !== undefined) return this.current;
    const line = this.nextLineSync();
    if (line === undefined) return undefined;
    this.currentLine = line ?? '';
    return (this.current = line === null ? null : parseEntry(line));
  }

  /** The line of the entry last peeked, as it is in the file (formatEntry of it gives the same line). */
  get peekedLine(): string {
    return this.currentLine;
  }

  /** The next entry without consuming it; null at the end. */
  async peek(): Promise<ManifestEntry | null> {
    for (;;) {
      const e = this.peekSync();
      if (e !== undefined) return e;
      await this.fill();
    }
  }

  /** Consumes the entry last peeked. */
  advance(): void {
    this.current = undefined;
  }

  /** Reads the rest and reports whether the footer was present and matched (the file is whole). */
  async readAll(onEntry?: (e: ManifestEntry) => void): Promise<void> {
    let count = 0;
    for (let e = await this.peek(); e; e = await this.peek()) {
      onEntry?.(e);
      count++;
      this.advance();
    }
    if (!this.footer) throw new Error(`${this.file} is incomplete (no end line)`);
    if (this.footer.entries !== count) throw new Error(`${this.file} is damaged (entry count differs)`);
  }

  /** Stops reading early. */
  close(): void {
    void this.it.return?.();
    // pipe() does not pass the gunzip's end back: the file itself is closed here, or its handle stays open.
    this.src.destroy();
  }
}
