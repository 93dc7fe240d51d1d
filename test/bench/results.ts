// The benchmark's rows, its targets (issues 3, 4, 7, 16, 17 and 19), and the printed table.
import { median, summarise, type Sample } from './measure';

/** Tool and operation names the sections and the targets share. */
export const PRUNES_ONE = 'cairn, prunes one backup';
export const PRUNES_NONE = 'cairn, keeps every backup';
export const TINY_FIRST = 'first backup, tiny files';
export const TINY_SAME = 'no-change backup, tiny files';
export const AT_TENTH = 'cairn at a tenth of the files';
export const SAME_TREE_DAILY = 'daily backup of an unchanged tree';
export const EARLY_DAYS = 'cairn, backups 2-4';
export const LAST_DAYS = 'cairn, the last 3 backups';

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
  /** A measured quantity other than time (catalog rows, bytes uploaded), as text. */
  amount?: string;
  /** Time relative to peer rows (Cairn rows only): "0.71x restic; 2.08x cp -al". */
  ratios?: Ratio[];
  /** Every target of the row; MET only when all are met. */
  targets?: Target[];
  note?: string;
}

export interface Ratio {
  peer: string;
  value: number;
}

export interface Target {
  text: string;
  met: boolean;
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
  /** The measured row's tool; undefined: every Cairn row of the operation (tool starting "cairn"). */
  tool?: string;
  peer: string;
  /** Highest acceptable ratio; undefined for a ratio shown without a target. */
  max?: number;
  issue: string;
  /** Compare time per file (rows of different sizes: the same operation at N and N/10 files). */
  perFile?: boolean;
}

/** The ratios the issues set, each for the Cairn row of an operation against a named peer. */
export const RATIO_TARGETS: RatioTarget[] = [
  { operation: 'first backup', peer: 'cp -a', max: 1.15, issue: '#19' },
  { operation: 'first backup', peer: 'rsync -a', max: 1.3, issue: '#3' },
  { operation: 'first backup', peer: 'restic', issue: '' },
  { operation: 'no-change backup', peer: 'restic', max: 0.8, issue: '#19' },
  { operation: 'no-change backup', peer: 'cp -al (floor)', max: 2.0, issue: '#19' },
  { operation: 'no-change backup', peer: 'rsync -a --link-dest', max: 1.0, issue: '#3' },
  { operation: 'backup after changes', peer: 'rsync -a --link-dest', issue: '' },
  { operation: 'hash large files', peer: 'sha256sum', max: 1.2, issue: '#3' },
  { operation: 'copy+hash large files', peer: 'rsync -a', issue: '' },
  // #4 set 1.3x; #19 tightens it.
  { operation: 'full restore', peer: 'cp -a', max: 1.1, issue: '#19' },
  { operation: 'daily backup', tool: PRUNES_ONE, peer: PRUNES_NONE, max: 1.2, issue: '#19' },
  { operation: 'background sweep of one pruned backup', peer: 'rm -rf', issue: '' },
  { operation: TINY_FIRST, tool: 'cairn', peer: AT_TENTH, issue: '', perFile: true },
  { operation: TINY_SAME, tool: 'cairn', peer: AT_TENTH, issue: '', perFile: true },
  { operation: SAME_TREE_DAILY, tool: LAST_DAYS, peer: EARLY_DAYS, max: 1.1, issue: '#19' },
];

/** The catalog's time limits: operation (its first words), milliseconds, issue. */
export const CATALOG_LIMITS: [string, number, string][] = [
  ['open folder', 200, '#7'],
  ['search', 1000, '#7'],
  ['what changed', 1000, '#17'],
  ['file timeline', 100, '#17'],
];

/** Adds a target to a row (a row may carry several: its verdict is MET only when all are). */
export function addTarget(r: Row, t: Target): void {
  (r.targets ??= []).push(t);
}

function isSubject(r: Row, t: RatioTarget): boolean {
  if (r.operation !== t.operation || r.tool === t.peer) return false;
  return t.tool === undefined ? r.tool.startsWith('cairn') : r.tool === t.tool;
}

/**
 * A row's time against its peer's. Every section runs its tools in rounds (Cairn, then each peer, then the
 * next round), so two rows with as many runs are paired round by round: the median of the rounds' ratios,
 * which holds when the machine's speed drifts between rounds (as it does here: `cp -a` of the same tree took
 * 5 s in one round and 10 s in the next). Rows of different sizes compare their median time per file.
 */
export function ratioOf(r: Row, peer: Row, perFile: boolean | undefined): number {
  if (perFile) return r.ms / (r.files ?? 1) / (peer.ms / (peer.files ?? 1));
  if (r.runsMs.length !== peer.runsMs.length) return r.ms / peer.ms;
  return median(r.runsMs.map((ms, i) => ms / peer.runsMs[i]!));
}

/** 2.0x, 1.15x. */
const times = (m: number) => `${Number.isInteger(m) ? m.toFixed(1) : String(m)}x`;

/** The peak-RSS ceiling of the 1M-file rows. */
const RSS_ROWS = ['first backup', 'no-change backup', TINY_FIRST, TINY_SAME];

/** Fills in ratios and target verdicts: peer ratios, the catalog's time limits and the RSS ceiling. */
export function applyTargets(rows: Row[], files: number): void {
  for (const t of RATIO_TARGETS) {
    const peer = rows.find((r) => r.operation === t.operation && r.tool === t.peer);
    if (!peer) continue;
    for (const r of rows.filter((x) => isSubject(x, t))) {
      const value = ratioOf(r, peer, t.perFile);
      const label = t.perFile ? `${t.peer}, per file` : t.peer;
      (r.ratios ??= []).push({ peer: label, value });
      if (t.max !== undefined)
        addTarget(r, { text: `<= ${times(t.max)} ${label} (${t.issue})`, met: value <= t.max });
    }
  }
  for (const r of rows) {
    if (r.section === 'catalog' && r.tool === 'cairn catalog') {
      const limit = CATALOG_LIMITS.find(([start]) => r.operation.startsWith(start));
      if (limit) addTarget(r, { text: `< ${limit[1]} ms (${limit[2]})`, met: r.ms < limit[1] });
    }
    const big = (r.files ?? (r.section === 'backup' ? files : 0)) >= 1_000_000;
    if (RSS_ROWS.includes(r.operation) && r.tool === 'cairn' && r.rssKib !== null && big) {
      const issue = r.section === 'scale' ? '#19' : '#3';
      addTarget(r, { text: `RSS < 400 MiB at 1M files (${issue})`, met: r.rssKib / 1024 < 400 });
    }
  }
}

/** The verdict of a row: MET when every target is met, '' without targets. */
export function verdict(r: Row): string {
  if (!r.targets?.length) return '';
  return r.targets.every((t) => t.met) ? 'MET' : 'MISSED';
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

/** The table as fixed-width text; a column empty in every row is left out. */
export function formatTable(rows: Row[]): string {
  const head = [
    'operation',
    'tool',
    'time (median)',
    'MB/s',
    'files/s',
    'peak RSS',
    'amount',
    'ratio',
    'target',
    '',
  ];
  const right = new Set([2, 3, 4, 5]);
  const body = rows.map((r) => [
    r.operation,
    r.tool,
    fmtMs(r.ms),
    rate(r.bytes, r.ms, 1e6),
    rate(r.files, r.ms, 1),
    r.rssKib === null ? '' : `${(r.rssKib / 1024).toFixed(0)} MiB`,
    r.amount ?? '',
    (r.ratios ?? []).map((x) => `${x.value.toFixed(2)}x ${x.peer}`).join('; '),
    (r.targets ?? []).map((t) => t.text).join('; '),
    verdict(r),
  ]);
  const keep = head.map((_, i) => i < 3 || body.some((b) => b[i] !== ''));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .filter((_, i) => keep[i])
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
