import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { planLayout } from '../format/layout';
import { comparePaths, ManifestReader, type ManifestEntry } from '../format/manifest';
import { errnoCode, describeError } from '../errors';
import { walkSorted, type DiskItem } from '../format/diskWalk';
import { displayName, fsPath, readLink } from '../format/fsName';

export interface VerifyProblem {
  path: string;
  problem: 'missing' | 'changed' | 'extra';
  detail: string;
}

export interface BackupVerifyResult {
  planName: string;
  stamp: string;
  entries: number;
  files: number;
  hashedFiles: number;
  hashedBytes: number;
  /** Files whose hash was already known this run (hard links shared with another backup). */
  sharedFiles: number;
  /** Percent of files hashed; 100 for a full verify. */
  sample: number;
  missing: number;
  changed: number;
  extra: number;
  /** The first problems, by path (the counts above are complete). */
  problems: VerifyProblem[];
  durationMs: number;
}

export interface VerifyOptions {
  /** Hash only this percent of files (chosen at random); existence, kind and size are checked for all. */
  sample?: number;
  random?: () => number;
  /** Hashes of hard-linked files (by dev:ino) already read in this run; shared across backups. */
  seen?: Map<string, string>;
  signal?: AbortSignal;
  onProgress?: (r: BackupVerifyResult, currentPath: string) => void;
}

const MAX_PROBLEMS = 1000;
const buf = Buffer.allocUnsafe(1 << 20);

function hashFile(abs: string): { sha256: string; size: number } {
  const fd = fs.openSync(fsPath(abs), fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    const h = createHash('sha256');
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
    return { sha256: h.digest('hex'), size };
  } finally {
    fs.closeSync(fd);
  }
}

const kindOf = (st: fs.Stats) =>
  st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'special file';
const kindName = { d: 'folder', f: 'file', l: 'symlink' } as const;

/**
 * Re-reads one backup folder against its manifest: every path the manifest lists must be there with the same
 * kind, size, symlink target and SHA-256; anything else in the folder is extra. Disk and manifest are walked
 * together in the same order, so memory stays flat however large the backup.
 */
export async function verifyBackupFolder(
  dest: string,
  planName: string,
  stamp: string,
  o: VerifyOptions = {},
): Promise<BackupVerifyResult> {
  const t0 = performance.now();
  const layout = planLayout(dest, planName);
  const sample = Math.min(100, Math.max(0, o.sample ?? 100));
  const rnd = o.random ?? Math.random;
  const seen = o.seen ?? new Map<string, string>();
  const r: BackupVerifyResult = {
    planName,
    stamp,
    entries: 0,
    files: 0,
    hashedFiles: 0,
    hashedBytes: 0,
    sharedFiles: 0,
    sample,
    missing: 0,
    changed: 0,
    extra: 0,
    problems: [],
    durationMs: 0,
  };
  const report = (path: string, problem: VerifyProblem['problem'], detail: string) => {
    r[problem]++;
    if (r.problems.length < MAX_PROBLEMS) r.problems.push({ path: displayName(path), problem, detail });
  };
  const root = layout.backupDir(stamp);
  let manifest: ManifestReader;
  try {
    // Checked first: ManifestReader.open crashes the process on a missing file (an unhandled stream error).
    fs.accessSync(layout.manifestFile(stamp), fs.constants.R_OK);
    manifest = await ManifestReader.open(layout.manifestFile(stamp));
  } catch (e) {
    report('', 'missing', `the manifest cannot be read (${describeError(e)})`);
    return { ...r, durationMs: performance.now() - t0 };
  }
  if (!fs.existsSync(root)) {
    manifest.close();
    report('', 'missing', `the backup folder ${root} is not there`);
    return { ...r, durationMs: performance.now() - t0 };
  }
  const disk = walkSorted(root, (rel, e) =>
    report(rel, 'changed', `cannot be read (${errnoCode(e) ?? describeError(e)})`),
  );
  let d: DiskItem | undefined = disk.next().value ?? undefined;
  const check = (m: ManifestEntry, item: DiskItem) => {
    const want = kindName[m.kind];
    if (kindOf(item.st) !== want)
      return report(m.path, 'changed', `is a ${kindOf(item.st)}, the manifest says ${want}`);
    if (m.kind === 'l') {
      const target = readLink(item.abs);
      if (target !== m.target)
        report(
          m.path,
          'changed',
          `symlink points to "${displayName(target)}", the manifest says "${displayName(m.target ?? '')}"`,
        );
      return;
    }
    if (m.kind !== 'f') return;
    r.files++;
    if (item.st.size !== m.size)
      return report(
        m.path,
        'changed',
        `is ${item.st.size} bytes, the manifest says ${m.size}${item.st.size < m.size ? ' (truncated)' : ''}`,
      );
    if (sample < 100 && rnd() * 100 >= sample) return;
    const key = item.st.nlink > 1 ? `${item.st.dev}:${item.st.ino}` : null;
    let sha = key ? seen.get(key) : undefined;
    if (sha !== undefined) r.sharedFiles++;
    else {
      try {
        sha = hashFile(item.abs).sha256;
      } catch (e) {
        return report(m.path, 'changed', `cannot be read (${errnoCode(e) ?? describeError(e)})`);
      }
      r.hashedFiles++;
      r.hashedBytes += m.size;
      if (key) seen.set(key, sha);
    }
    if (sha !== m.sha256) report(m.path, 'changed', 'content differs from its SHA-256 in the manifest');
  };
  try {
    for (let m = await manifest.peek(); m; m = await manifest.peek()) {
      manifest.advance();
      if ((++r.entries & 255) === 0) {
        o.signal?.throwIfAborted();
        o.onProgress?.(r, m.path);
        await new Promise((res) => setImmediate(res));
      }
      while (d && comparePaths(d.rel, m.path) < 0) {
        report(d.rel, 'extra', `a ${kindOf(d.st)} the manifest does not list`);
        d = disk.next().value ?? undefined;
      }
      if (d && d.rel === m.path) {
        check(m, d);
        d = disk.next().value ?? undefined;
      } else report(m.path, 'missing', `the ${kindName[m.kind]} is not in the backup folder`);
    }
    for (; d; d = disk.next().value ?? undefined)
      report(d.rel, 'extra', `a ${kindOf(d.st)} the manifest does not list`);
    if (!manifest.footer) report('', 'changed', 'the manifest has no end line: it is incomplete');
  } finally {
    manifest.close();
  }
  r.durationMs = performance.now() - t0;
  return r;
}

/** A one-line result to store with the backup: "intact", "intact (10% sample)", "damaged: 1 missing, 2 changed". */
export function verifySummary(r: BackupVerifyResult): string {
  const sample = r.sample < 100 ? ` (${r.sample}% sample)` : '';
  if (r.missing + r.changed + r.extra === 0) return `intact${sample}`;
  const parts = [
    r.missing ? `${r.missing} missing` : '',
    r.changed ? `${r.changed} changed` : '',
    r.extra ? `${r.extra} extra` : '',
  ].filter(Boolean);
  return `damaged: ${parts.join(', ')}${sample}`;
}
