// The benchmark corpus: many small files in nested folders and a few large files of random content.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface CorpusSpec {
  files: number;
  maxKib: number;
  large: number;
  largeMib: number;
}

export interface Corpus {
  /** The folder backed up: small/ and large/ inside. */
  root: string;
  small: string;
  large: string;
  files: number;
  dirs: number;
  bytes: number;
  smallBytes: number;
  largeFiles: string[];
  largeBytes: number;
  /** Largest small file, in bytes. */
  maxBytes: number;
}

const PER_DIR = 100;
const FAN_OUT = 32;
const EXTS = ['txt', 'md', 'jpg', 'json', 'ts', 'pdf', 'dat', 'csv'];

/** A deterministic pseudo-random sequence (mulberry32), so the same flags give the same corpus layout. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Relative path of small file i: about 100 files per folder, folders nested three deep. */
export function smallPath(i: number): string {
  const leaf = Math.floor(i / PER_DIR);
  const a = Math.floor(leaf / (FAN_OUT * FAN_OUT));
  const b = Math.floor(leaf / FAN_OUT) % FAN_OUT;
  const c = leaf % FAN_OUT;
  return `p${a}/q${b}/r${c}/file-${i}.${EXTS[i % EXTS.length]}`;
}

/** Content for small files is cut from one random pool at random offsets: random-looking, cheap to make. */
class Pool {
  private readonly buf = randomBytes(8 << 20);
  constructor(private readonly next: () => number) {}
  slice(size: number): Buffer {
    const off = Math.floor(this.next() * (this.buf.length - size));
    return this.buf.subarray(off, off + size);
  }
}

/** Writes the corpus under root (which must not exist); logs progress every 10%. */
export function buildCorpus(root: string, spec: CorpusSpec, log: (s: string) => void): Corpus {
  const small = path.join(root, 'small');
  const large = path.join(root, 'large');
  fs.mkdirSync(small, { recursive: true });
  fs.mkdirSync(large);
  const next = rng(42);
  const pool = new Pool(next);
  const maxBytes = Math.floor(spec.maxKib * 1024);
  const made = new Set<string>();
  let smallBytes = 0;
  const step = Math.max(1, Math.floor(spec.files / 10));
  for (let i = 0; i < spec.files; i++) {
    const rel = smallPath(i);
    const dir = path.join(small, path.dirname(rel));
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const size = Math.floor(next() * (maxBytes + 1));
    fs.writeFileSync(path.join(small, rel), pool.slice(size));
    smallBytes += size;
    if ((i + 1) % step === 0) log(`  corpus: ${i + 1} of ${spec.files} small files`);
  }
  const largeFiles: string[] = [];
  const chunk = 16 << 20;
  for (let i = 0; i < spec.large; i++) {
    const f = path.join(large, `large-${i}.bin`);
    const fd = fs.openSync(f, 'w');
    let left = Math.floor(spec.largeMib * (1 << 20));
    while (left > 0) {
      const n = Math.min(chunk, left);
      fs.writeSync(fd, randomBytes(n));
      left -= n;
    }
    fs.closeSync(fd);
    largeFiles.push(f);
  }
  const largeBytes = spec.large * Math.floor(spec.largeMib * (1 << 20));
  const dirs = new Set([...made].flatMap((d) => ancestors(path.relative(small, d)))).size + 3;
  return {
    root,
    small,
    large,
    files: spec.files + spec.large,
    dirs,
    bytes: smallBytes + largeBytes,
    smallBytes,
    largeFiles,
    largeBytes,
    maxBytes,
  };
}

function ancestors(rel: string): string[] {
  const parts = rel.split(path.sep);
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * Rewrites pct% of the small files (a different slice for each round) with new content of a new size,
 * as a day of edits would. Returns how many files changed and the corpus's new total size.
 */
export function changeFiles(c: Corpus, pct: number, round: number): { changed: number; bytes: number } {
  const smallCount = c.files - c.largeFiles.length;
  const every = Math.max(1, Math.round(100 / pct));
  const next = rng(1000 + round);
  const pool = new Pool(next);
  let changed = 0;
  for (let i = (round * 7) % every; i < smallCount; i += every) {
    const f = path.join(c.small, smallPath(i));
    const before = fs.statSync(f).size;
    const size = Math.floor(next() * c.maxBytes) + 1;
    fs.writeFileSync(f, pool.slice(size));
    c.bytes += size - before;
    c.smallBytes += size - before;
    changed++;
  }
  return { changed, bytes: c.bytes };
}
