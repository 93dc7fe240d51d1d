// Where each selection of a restore lands, as the restore engine places it (electron/engine/restore/):
// into another folder, the backup's path under it (`<folder>/<source label>/…`); in place, the path under
// the plan's source folder of that label (a database dump never goes back in place).

export interface Landing {
  /** The path in the backup ("label/sub/file"). */
  from: string;
  /** Where it is written, or null when it cannot go there (then `why`). */
  to: string | null;
  why?: string;
}

const trimEnd = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);

function joined(root: string, rel: string): string {
  const r = trimEnd(root);
  return rel ? `${r}${r.endsWith('/') ? '' : '/'}${rel}` : r;
}

/**
 * The landing of each selected path (or, with none selected, of each top-level folder of the backup, `tops`).
 * `sources` are the plan's folder sources; `dir` the chosen folder (mode "to").
 */
export function landings(o: {
  mode: 'to' | 'in-place';
  dir: string;
  paths: string[];
  tops: string[];
  sources: { label: string; path: string }[];
}): Landing[] {
  if (o.mode === 'to') {
    const dir = o.dir.trim();
    if (!dir) return [];
    return (o.paths.length ? o.paths : o.tops).map((from) => ({ from, to: joined(dir, from) }));
  }
  // In place, the whole backup is its folder sources; a database dump stays out (cairn dbsource restore).
  const froms = o.paths.length ? o.paths : o.tops.filter((t) => o.sources.some((s) => s.label === t));
  return froms.map((from) => {
    const i = from.indexOf('/');
    const label = i < 0 ? from : from.slice(0, i);
    const src = o.sources.find((s) => s.label === label);
    if (!src)
      return {
        from,
        to: null,
        why: `${label} is not a folder of this plan now: restore it into another folder.`,
      };
    return { from, to: joined(src.path, i < 0 ? '' : from.slice(i + 1)) };
  });
}

/** The folders to open after a restore: the chosen folder, or the source folders written in place. */
export function openableFolders(o: Parameters<typeof landings>[0]): string[] {
  if (o.mode === 'to') return o.dir.trim() ? [trimEnd(o.dir.trim())] : [];
  const labels = new Set(landings(o).map((l) => l.from.split('/')[0]));
  return o.sources.filter((s) => labels.has(s.label)).map((s) => s.path);
}
