import type fs from 'node:fs';
import { walkSorted } from '../format/diskWalk';
import type { ExcludeMatcher } from '../format/excludes';

export interface CountSource {
  label: string;
  path: string;
  matcher: ExcludeMatcher;
}

/** Entries looked at between two turns of the event loop: the copies and the walk go on meanwhile. */
const SLICE = 512;

/**
 * Counts the files and bytes the sources hold (readdir and lstat, as the walk sees them, excludes
 * applied), a slice at a time, for a run's total. The walk starts one only when it has to wait for copies:
 * a run that copies little (the daily no-change run) walks the tree once, and its walk is its count.
 */
export class SourceCounter {
  files = 0;
  bytes = 0;
  done = false;
  private stopped = false;

  constructor(sources: CountSource[]) {
    void this.run(sources);
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(sources: CountSource[]): Promise<void> {
    let n = 0;
    for (const s of sources) {
      const skip = (rel: string, st: fs.Stats) => s.matcher.excluded(rel, st.isDirectory());
      for (const item of walkSorted(s.path, () => {}, skip)) {
        if (++n % SLICE === 0) await new Promise((r) => setImmediate(r));
        if (this.stopped) return;
        if (!item.st.isFile()) continue;
        this.files++;
        this.bytes += item.st.size;
      }
    }
    this.done = true;
  }
}
