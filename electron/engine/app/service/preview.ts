import ignore from 'ignore';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { errnoCode } from '../../errors';

export interface PreviewOptions {
  sources: string[];
  excludes: string[];
  listLimit: number;
  timeLimitMs: number;
}

interface Excluded {
  path: string;
  isDir: boolean;
  files: number;
  bytes: number;
  pattern: string | null;
}

/**
 * What a plan would back up and leave out, by walking its sources with its exclude patterns (symlinks not
 * followed), stopping at the time limit with `complete: false`. Reads metadata only.
 */
export function previewSources(o: PreviewOptions) {
  const started = performance.now();
  const active = o.excludes.map((p) => p.trim()).filter((p) => p && !p.startsWith('#'));
  const ig = ignore({ allowRelativePaths: true }).add(active);
  const out = { files: 0, dirs: 0, bytes: 0, excludedFiles: 0, excludedBytes: 0 };
  const excluded: Excluded[] = [];
  const unreadable: { path: string; message: string }[] = [];
  let complete = true;
  const late = () => performance.now() - started > o.timeLimitMs;

  const walk = (abs: string, rel: string, into: Excluded | null): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if (unreadable.length < 100) unreadable.push({ path: abs, message: errnoCode(e) ?? String(e) });
      return;
    }
    for (const d of names) {
      if (late()) {
        complete = false;
        return;
      }
      const childAbs = path.join(abs, d.name);
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      const isDir = d.isDirectory();
      let target = into;
      if (!into) {
        const t = ig.test(isDir ? childRel + '/' : childRel);
        if (t.ignored) {
          target = { path: childAbs, isDir, files: 0, bytes: 0, pattern: t.rule?.pattern ?? null };
          if (excluded.length < o.listLimit) excluded.push(target);
        }
      }
      if (isDir) {
        if (!target) out.dirs++;
        walk(childAbs, childRel, target);
        continue;
      }
      let size = 0;
      if (d.isFile()) {
        try {
          size = fs.lstatSync(childAbs).size;
        } catch {
          continue;
        }
      }
      if (target) {
        target.files++;
        target.bytes += size;
        out.excludedFiles++;
        out.excludedBytes += size;
      } else {
        out.files++;
        out.bytes += size;
      }
    }
  };
  for (const s of o.sources) {
    if (late()) {
      complete = false;
      break;
    }
    walk(path.resolve(s), '', null);
  }
  return { ...out, excluded, complete, unreadable, elapsedMs: Math.round(performance.now() - started) };
}
