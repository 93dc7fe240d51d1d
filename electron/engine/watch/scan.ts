import fs from 'node:fs';
import type { ExcludeMatcher } from '../format/excludes';
import { fsPath, readNames } from '../format/fsName';
import { changed, seenOf, type Baseline } from './baseline';

export interface ScanSource {
  label: string;
  /** Absolute. */
  path: string;
  matcher: ExcludeMatcher;
}

export interface ScanOptions {
  sources: ScanSource[];
  baseline: Baseline;
  /** Called for every file and symlink the backup or the source holds: does it differ now? */
  mark: (path: string, differs: boolean) => void;
  /** A path the plan never backs up, whatever the excludes say (the destination). */
  skip: (abs: string) => boolean;
  /** Stop early (the watcher closed or the baseline moved). */
  stopped: () => boolean;
}

/** Entries looked at between two turns of the event loop: the scan never holds the process up for long. */
const SLICE = 256;

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(fsPath(p));
  } catch {
    return null;
  }
}

/**
 * Compares the sources with the last backup, folder by folder (readdir and lstat, no reading of files),
 * to count what changed while nothing watched (Cairn was not running). A folder whose listing fails is left
 * as it is (an unplugged source is not "everything deleted").
 */
export async function scanChanges(o: ScanOptions): Promise<void> {
  const stack = o.sources.map((s) => ({ abs: s.path, key: s.label, rel: '', m: s.matcher }));
  let n = 0;
  while (stack.length) {
    const d = stack.pop()!;
    let names: string[];
    try {
      names = readNames(d.abs);
    } catch {
      continue;
    }
    const was = o.baseline.folder(d.key);
    for (const name of names) {
      if (++n % SLICE === 0) {
        await new Promise((r) => setImmediate(r));
        if (o.stopped()) return;
      }
      const abs = `${d.abs}/${name}`;
      const key = `${d.key}/${name}`;
      const rel = d.rel ? `${d.rel}/${name}` : name;
      const prev = was.get(name) ?? null;
      was.delete(name);
      const now = seenOf(lstatOrNull(abs));
      if (o.skip(abs) || d.m.excluded(rel, (now ?? prev)?.kind === 'd')) continue;
      if (now?.kind === 'd') stack.push({ abs, key, rel, m: d.m });
      o.mark(key, changed(now, prev));
    }
    for (const [name, prev] of was) {
      if (prev.kind !== 'd') o.mark(`${d.key}/${name}`, true);
      else for (const p of o.baseline.filesUnder(`${d.key}/${name}`)) o.mark(p, true);
    }
  }
}
