import fs from 'node:fs';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { LineSink } from '../../format/lineSink';
import { comparePaths, escapeField, unescapeField } from '../../format/manifest';

/**
 * Incremental manifests and pack maps on Drive (see ./README.md; format16 section 3). A delta
 * file's first line is `# cairn-delta parent=STAMP`.
 *
 * Manifest delta: the backup's own header lines, then in path order the line of every entry added or
 * changed since the parent and `-TAB<escaped path>` for every entry removed, then the backup's `#end` line.
 * Map delta: the map lines of the added and changed files' contents. A backup's map is its parent's map with
 * the delta's lines laid over (a later line for the same SHA-256 [and piece INDEX] wins), keeping only the
 * contents its manifest names. Everything streams: no file is held in memory.
 */
export const DELTA_HEAD = '# cairn-delta parent=';

/** Reads the lines of a gzip file in batches (a turn of the async iterator per batch, not per line). */
export class GzLines {
  private readonly it: AsyncIterator<Buffer>;
  private readonly src: fs.ReadStream;
  private lines: string[] = [];
  private pos = 0;
  private rest = '';
  private ended = false;

  constructor(file: string) {
    this.src = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    const gz = zlib.createGunzip({ chunkSize: 1 << 18 });
    this.src.on('error', (e) => gz.destroy(e));
    this.it = this.src.pipe(gz)[Symbol.asyncIterator]();
  }

  /** The next line (empty lines skipped), or null at the end. */
  async next(): Promise<string | null> {
    for (;;) {
      while (this.pos < this.lines.length) {
        const l = this.lines[this.pos++]!;
        if (l !== '') return l;
      }
      if (this.ended) return null;
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        this.lines = [this.rest];
        this.rest = '';
      } else {
        this.lines = (this.rest + r.value.toString('utf8')).split('\n');
        this.rest = this.lines.pop()!;
      }
      this.pos = 0;
    }
  }

  close(): void {
    void this.it.return?.();
    this.src.destroy();
  }
}

async function firstLine(file: string): Promise<string | null> {
  const r = new GzLines(file);
  try {
    return await r.next();
  } finally {
    r.close();
  }
}

/** The parent stamp a delta file names, or null for a full file. */
export async function deltaParent(file: string): Promise<string | null> {
  const l = await firstLine(file);
  return l?.startsWith(DELTA_HEAD) ? l.slice(DELTA_HEAD.length).trim() : null;
}

/** A manifest entry line's path (unescaped), the merge key; null for a header or end line. */
const pathOf = (line: string): string => unescapeField(line.slice(line.indexOf('\t') + 1).split('\t', 1)[0]!);

/** Manifest lines in order, with the header and end lines set aside. */
class EntryLines {
  readonly header: string[] = [];
  end: string | null = null;
  current: string | null = null;
  key = '';

  private constructor(private readonly r: GzLines) {}

  static async open(file: string): Promise<EntryLines> {
    const e = new EntryLines(new GzLines(file));
    await e.advance(true);
    return e;
  }

  async advance(first = false): Promise<void> {
    for (;;) {
      const l = await this.r.next();
      if (l === null || !l.startsWith('#')) {
        this.current = l;
        this.key = l === null ? '' : l.startsWith('-\t') ? unescapeField(l.slice(2)) : pathOf(l);
        return;
      }
      if (l.startsWith('#end\t')) this.end = l;
      else if (first && !l.startsWith(DELTA_HEAD)) this.header.push(l);
    }
  }

  close(): void {
    this.r.close();
  }
}

export interface ManifestDelta {
  /** Entry lines written (added, changed and removed). */
  lines: number;
  /** SHA-256s of the added and changed files (their map lines make the map delta). */
  shas: Set<string>;
}

/**
 * Writes the delta from a parent's full manifest to a child's (both sorted by path, as manifests are) by a
 * streaming merge. Stops and returns null once more than `maxLines` lines would be written (a full manifest
 * is the better file then).
 */
export async function writeManifestDelta(o: {
  parentFile: string;
  childFile: string;
  parentStamp: string;
  out: string;
  maxLines: number;
}): Promise<ManifestDelta | null> {
  const a = await EntryLines.open(o.parentFile);
  const b = await EntryLines.open(o.childFile);
  const sink = new LineSink(o.out, true);
  const shas = new Set<string>();
  let lines = 0;
  const emit = async (line: string) => {
    if (++lines > o.maxLines) return false;
    await sink.add(line);
    return true;
  };
  try {
    await sink.add(`${DELTA_HEAD}${o.parentStamp}`);
    for (const h of b.header) await sink.add(h);
    while (a.current !== null || b.current !== null) {
      const c = a.current === null ? 1 : b.current === null ? -1 : comparePaths(a.key, b.key);
      if (c < 0) {
        if (!(await emit(`-\t${escapeField(a.key)}`))) return abort(sink);
        await a.advance();
        continue;
      }
      if (c > 0 || a.current !== b.current) {
        if (!(await emit(b.current!))) return abort(sink);
        const f = b.current!.split('\t', 6);
        if (f[0] === 'f' && f[5] && f[5] !== '-') shas.add(f[5]);
      }
      if (c === 0) await a.advance();
      await b.advance();
    }
    if (b.end === null) throw new Error(`${o.childFile} is incomplete (no end line)`);
    await sink.finish(b.end);
    return { lines, shas };
  } catch (e) {
    await abort(sink);
    throw e;
  } finally {
    a.close();
    b.close();
  }
}

async function abort(sink: LineSink): Promise<null> {
  await sink.abort();
  return null;
}

/**
 * Rebuilds a child's full manifest from its parent's full manifest and its delta, by a streaming merge.
 * The result is the child's manifest line for line; its entry count is checked against the `#end` line.
 */
export async function applyManifestDelta(parentFile: string, deltaFile: string, out: string): Promise<void> {
  const a = await EntryLines.open(parentFile);
  const d = await EntryLines.open(deltaFile);
  fs.rmSync(out, { force: true });
  const sink = new LineSink(out, true);
  let entries = 0;
  const put = (line: string) => {
    entries++;
    return sink.add(line);
  };
  try {
    for (const h of d.header) await sink.add(h);
    while (a.current !== null || d.current !== null) {
      const c = a.current === null ? 1 : d.current === null ? -1 : comparePaths(a.key, d.key);
      if (c < 0) await put(a.current!);
      else if (!d.current!.startsWith('-\t')) await put(d.current!);
      if (c <= 0) await a.advance();
      if (c >= 0) await d.advance();
    }
    const end = d.end;
    if (end === null || Number(end.split('\t')[1]) !== entries)
      throw new Error(`${deltaFile} does not rebuild its backup's manifest (entry count differs)`);
    await sink.finish(end);
  } catch (e) {
    await abort(sink);
    throw e;
  } finally {
    a.close();
    d.close();
  }
}

/** A map line's key: the content's SHA-256, and the piece's index for a piece line (format16 section 1). */
function mapKey(line: string): { sha: string; index: number } {
  const f = line.split('\t', 3);
  return { sha: f[0]!, index: f.length > 2 ? Number(f[2]) : -1 };
}

/**
 * Writes a map delta: the lines of a backup's full map whose content is in `shas` (the added and changed
 * files), each key once.
 */
export async function writeMapDelta(o: {
  mapFile: string;
  shas: Set<string>;
  parentStamp: string;
  out: string;
}): Promise<void> {
  const r = new GzLines(o.mapFile);
  const sink = new LineSink(o.out, true);
  const seen = new Set<string>();
  try {
    await sink.add(`${DELTA_HEAD}${o.parentStamp}`);
    for (let l = await r.next(); l !== null; l = await r.next()) {
      if (l.startsWith('#')) continue;
      const k = mapKey(l);
      const id = `${k.sha}\t${k.index}`;
      if (!o.shas.has(k.sha) || seen.has(id)) continue;
      seen.add(id);
      await sink.add(l);
    }
    await sink.finish();
  } catch (e) {
    await abort(sink);
    throw e;
  } finally {
    r.close();
  }
}

/**
 * Rebuilds a backup's full map from the chain of its map files (the full one first, then each delta in
 * order) and its full manifest: later lines win, and only contents the manifest names are kept. The lines
 * are gathered in a temporary on-disk SQLite file, so a map of millions of lines needs no memory for them;
 * the result is sorted by SHA-256, piece lines in order.
 */
export async function rebuildMap(chain: string[], manifestFile: string, out: string): Promise<number> {
  const db = new Database('');
  try {
    db.exec(`CREATE TABLE m (sha TEXT NOT NULL, idx INTEGER NOT NULL, line TEXT NOT NULL, PRIMARY KEY (sha, idx)) WITHOUT ROWID;
             CREATE TABLE s (sha TEXT PRIMARY KEY) WITHOUT ROWID;`);
    const put = db.prepare('INSERT OR REPLACE INTO m (sha, idx, line) VALUES (?, ?, ?)');
    for (const file of chain)
      await inBatches(db, file, (l) => {
        if (l.startsWith('#')) return;
        const k = mapKey(l);
        put.run(k.sha, k.index, l);
      });
    const named = db.prepare('INSERT OR IGNORE INTO s (sha) VALUES (?)');
    await inBatches(db, manifestFile, (l) => {
      if (!l.startsWith('f\t')) return;
      const sha = l.split('\t', 6)[5];
      if (sha && sha !== '-') named.run(sha);
    });
    fs.rmSync(out, { force: true });
    const sink = new LineSink(out, true);
    let n = 0;
    try {
      for (const line of db
        .prepare('SELECT m.line FROM m JOIN s ON s.sha = m.sha ORDER BY m.sha, m.idx')
        .pluck()
        .iterate() as Iterable<string>) {
        n++;
        await sink.add(line);
      }
      await sink.finish();
    } catch (e) {
      await abort(sink);
      throw e;
    }
    return n;
  } finally {
    db.close();
  }
}

/** Feeds every line of a gzip file to `each`, a transaction per few thousand lines. */
async function inBatches(db: Database.Database, file: string, each: (line: string) => void): Promise<void> {
  const r = new GzLines(file);
  const batch: string[] = [];
  const flush = db.transaction(() => {
    for (const l of batch) each(l);
    batch.length = 0;
  });
  try {
    for (let l = await r.next(); l !== null; l = await r.next()) {
      batch.push(l);
      if (batch.length >= 5000) flush();
    }
    flush();
  } finally {
    r.close();
  }
}
