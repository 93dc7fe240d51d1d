import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type TreeSpec = Record<
  string,
  string | Buffer | { symlink: string } | { mode: number; content: string | Buffer }
>;

/** Writes files (and symlinks) under root; keys are "/"-separated relative paths. */
export function writeTree(root: string, spec: TreeSpec): void {
  for (const [rel, v] of Object.entries(spec)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof v === 'string' || Buffer.isBuffer(v)) fs.writeFileSync(p, v);
    else if ('symlink' in v) fs.symlinkSync(v.symlink, p);
    else {
      fs.writeFileSync(p, v.content);
      fs.chmodSync(p, v.mode);
    }
  }
}

export interface TreeDiffOptions {
  mtime?: boolean;
  mode?: boolean;
  /** Top-level names to leave out of the comparison. */
  ignore?: string[];
}

function sha(p: string): string {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

/**
 * Differences between two trees, by relative path: missing, extra, kind, content (SHA-256), symlink
 * target, and optionally mode and mtime (to the microsecond). Empty when they are the same.
 */
export function diffTrees(a: string, b: string, o: TreeDiffOptions = {}): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const pa = path.join(a, rel);
    const pb = path.join(b, rel);
    const sa = fs.lstatSync(pa);
    let sb: fs.Stats;
    try {
      sb = fs.lstatSync(pb);
    } catch {
      out.push(`missing: ${rel}`);
      return;
    }
    const kind = (s: fs.Stats) =>
      s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : s.isFile() ? 'file' : 'other';
    if (kind(sa) !== kind(sb)) return void out.push(`kind: ${rel} ${kind(sa)} vs ${kind(sb)}`);
    if (sa.isSymbolicLink()) {
      if (fs.readlinkSync(pa) !== fs.readlinkSync(pb)) out.push(`target: ${rel}`);
      return;
    }
    if (o.mode && !sa.isDirectory() && (sa.mode & 0o7777) !== (sb.mode & 0o7777)) {
      out.push(`mode: ${rel} ${(sa.mode & 0o7777).toString(8)} vs ${(sb.mode & 0o7777).toString(8)}`);
    }
    if (o.mtime && Math.abs(sa.mtimeMs - sb.mtimeMs) > 0.002)
      out.push(`mtime: ${rel} ${sa.mtimeMs} vs ${sb.mtimeMs}`);
    if (sa.isFile()) {
      if (sa.size !== sb.size || sha(pa) !== sha(pb)) out.push(`content: ${rel}`);
      return;
    }
    if (!sa.isDirectory()) return;
    const na = fs.readdirSync(pa).filter((n) => rel !== '' || !o.ignore?.includes(n));
    const nb = fs.readdirSync(pb).filter((n) => rel !== '' || !o.ignore?.includes(n));
    for (const n of nb) if (!na.includes(n)) out.push(`extra: ${path.join(rel, n)}`);
    for (const n of na) walk(path.join(rel, n));
  };
  walk('');
  return out;
}

/** The first file called `name` under root, depth first; null when there is none. */
export function findFile(root: string, name: string): string | null {
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) {
      const f = findFile(p, name);
      if (f) return f;
    } else if (e.name === name) return p;
  }
  return null;
}
