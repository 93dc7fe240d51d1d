// The benchmark's rows, its targets (issues 3, 4 and 7), and the printed table.
import { summarise, type Sample } from './measure';

export interface Row {
  section: string;
  operation: string;
  tool: string;
  /** Median wall time in milliseconds, and every run's time. */
  ms: number;
  runsMs: number[];
  /** Bytes and files the operation covers (for MB/s and files/s), when that means something. */
  bytes: number | null;
  files: number | null;
  rssKib: number | null;
  /** Time relative to a peer row of the same operation (Cairn rows only). */
  ratio?: { peer: string; value: number };
  target?: { text: string; met: boolean };
  note?: string;
}

/** Builds a row from timed samples. */
export function row(
  section: string,
  operation: string,
  tool: string,
  samples: Sample[],
  size: { bytes: number | null; files: number | null },
  note?: string,
): Row {
  const s = summarise(samples);
  return { section, operation, tool, ms: s.ms, runsMs: s.all, rssKib: s.rssKib, ...size, note };
}

interface RatioTarget {
  operation: string;
  peer: string;
  /** Highest acceptable ratio; undefined for a ratio shown without a target. */
  max?: number;
  issue: string;
}

/** The ratios the issues set, each for the Cairn row of an operation against a named peer. */
export const RATIO_TARGETS: RatioTarget[] = [
  { operation: 'first backup', peer: 'rsync -a', max: 1.3, issue: '#3' },
  { operation: 'no-change backup', peer: 'rsync -a --link-dest', max: 1.0, issue: '#3' },
  { operation: 'backup after changes', peer: 'rsync -a --link-dest', issue: '' },
  { operation: 'hash large files', peer: 'sha256sum', max: 1.2, issue: '#3' },
  { operation: 'copy+hash large files', peer: 'rsync -a', issue: '' },
  { operation: 'full restore', peer: 'cp -a', max: 1.3, issue: '#4' },
];

/** The catalog's time limits: operation (its first words), milliseconds, issue. */
export const CATALOG_LIMITS: [string, number, string][] = [
  ['open folder', 200, '#7'],
  ['search', 1000, '#7'],
  ['what changed', 1000, '#17'],
  ['file timeline', 100, '#17'],
];

/** Fills in ratios and target verdicts: peer ratios, the catalog's time limits and the RSS ceiling. */
export function applyTargets(rows: Row[], files: number): void {
  for (const t of RATIO_TARGETS) {
    const peer = rows.find((r) => r.operation === t.operation && r.tool === t.peer);
    for (const r of rows.filter((x) => x.operation === t.operation && x.tool.startsWith('cairn'))) {
      if (!peer) continue;
      const value = r.ms / peer.ms;
      r.ratio = { peer: t.peer, value };
      if (t.max !== undefined)
        r.target = { text: `<= ${t.max.toFixed(1)}x ${t.peer} (${t.issue})`, met: value <= t.max };
    }
  }
  for (const r of rows) {
    if (r.section === 'catalog' && r.tool === 'cairn catalog') {
      const limit = CATALOG_LIMITS.find(([start]) => r.operation.startsWith(start));
      if (limit) r.target = { text: `< ${limit[1]} ms (${limit[2]})`, met: r.ms < limit[1] };
    }
    if (r.operation === 'first backup' && r.tool === 'cairn' && r.rssKib !== null && files >= 1_000_000) {
      const mib = r.rssKib / 1024;
      const t = { text: 'RSS < 400 MiB at 1M files (#3)', met: mib < 400 };
      r.target = r.target ? { text: `${r.target.text}; ${t.text}`, met: r.target.met && t.met } : t;
    }
  }
}

function fmtMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(1)} ms`;
}

function rate(n: number | null, ms: number, div: number): string {
  if (n === null || ms <= 0) return '';
  const v = n / div / (ms / 1000);
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

/** The table as fixed-width text. */
export function formatTable(rows: Row[]): string {
  const head = ['operation', 'tool', 'time (median)', 'MB/s', 'files/s', 'peak RSS', 'ratio', 'target', ''];
  const body = rows.map((r) => [
    r.operation,
    r.tool,
    fmtMs(r.ms),
    rate(r.bytes, r.ms, 1e6),
    rate(r.files, r.ms, 1),
    r.rssKib === null ? '' : `${(r.rssKib / 1024).toFixed(0)} MiB`,
    r.ratio ? `${r.ratio.value.toFixed(2)}x ${r.ratio.peer}` : '',
    r.target?.text ?? '',
    r.target ? (r.target.met ? 'MET' : 'MISSED') : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
