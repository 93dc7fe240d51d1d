// Command-line flags (and CAIRN_BENCH_* environment variables) of `npm run bench`.
import os from 'node:os';

export type Section = 'backup' | 'prune' | 'hash' | 'restore' | 'catalog' | 'drive' | 'scale';
/** The sections run by default; `scale` is long and runs only when named. */
const DEFAULT_SECTIONS: Section[] = ['backup', 'prune', 'hash', 'restore', 'catalog', 'drive'];
const SECTIONS: Section[] = [...DEFAULT_SECTIONS, 'scale'];

export interface BenchArgs {
  /** Small files in the corpus, spread over nested folders. */
  files: number;
  /** Largest small file, in KiB (sizes are uniform from 0 to this). */
  maxKib: number;
  /** Large files of random content, and the size of each in MiB. */
  large: number;
  largeMib: number;
  /** Timed runs per measurement; the median is reported. */
  runs: number;
  /** Percentage of small files changed before the "changed" backup. */
  changePct: number;
  /** Parent of the temporary folder the corpus and destinations live in. */
  dir: string;
  only: Section[];
  /** Versions in the benchmark catalog, and entries in its largest folder. */
  catalogVersions: number;
  catalogFolder: number;
  /** A folder the year catalog is built into once and read again by later runs; null: a fresh one. */
  yearCatalog: string | null;
  json: string | null;
  keep: boolean;
  /** False with --peers none: time Cairn alone (the 1,000,000-file memory run). */
  peers: boolean;
  /** The Drive section: small files pushed, and the size of its one large file in MiB. */
  driveFiles: number;
  driveBigMib: number;
  /** The scale section: tiny files for the peak-RSS run, and daily no-change backups of a --files tree. */
  scaleFiles: number;
  scaleDays: number;
}

const HELP = `npm run bench -- [options]     (each option also as an env var, e.g. CAIRN_BENCH_FILES)
  --files N              small files in the corpus (default 100000)
  --max-kib N            small file sizes are 0..N KiB (default 16)
  --large N              large files of random content (default 4)
  --large-mib N          size of each large file in MiB (default 64)
  --runs N               timed runs per measurement, median reported (default 3)
  --change-pct N         percent of small files changed for the "1% changed" backup (default 1)
  --dir DIR              where the temporary folder goes (default the OS temp folder)
  --only LIST            comma-separated sections: backup,prune,hash,restore,catalog,drive,scale
                         (default all but scale)
  --catalog-versions N   file versions in the catalog benchmark (default 1000000)
  --catalog-folder N     entries in the catalog benchmark's largest folder (default 100000)
  --year-catalog DIR     build the year catalog into DIR once, reuse it on later runs (default a fresh one)
  --peers all|none       backups: time cp, rsync and restic beside Cairn, or Cairn alone
                         (default all)
  --drive-files N        small files (0..max-kib KiB) the drive section pushes (default 20000)
  --drive-big-mib N      the drive section's large file, in MiB (default 200)
  --scale-files N        scale section: files of 0-1 KiB for peak RSS and time per 100k files, also
                         timed at N/10 (default 1000000)
  --scale-days N         scale section: daily no-change backups of a --files tree, for the catalog's
                         growth and the last backups' time against backups 2-4 (default 365)
  --json PATH            also write the table as JSON to PATH
  --keep                 keep the temporary folder`;

function num(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} takes a number (got "${v}").`);
  return n;
}

function peersFlag(v: string | undefined): boolean {
  if (v === undefined || v === 'all') return true;
  if (v === 'none') return false;
  throw new Error(`--peers takes all or none (got "${v}").`);
}

/** Parses argv (after the script name) and the environment; prints help and exits on --help. */
export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      process.stdout.write(HELP + '\n');
      process.exit(0);
    }
    if (a === '--keep') {
      flags.set('keep', '1');
      continue;
    }
    if (!a.startsWith('--')) throw new Error(`Unexpected argument "${a}"; see --help.`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value; see --help.`);
      flags.set(a.slice(2), v);
    }
  }
  const get = (name: string) =>
    flags.get(name) ?? env[`CAIRN_BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  const known = new Set([
    'files',
    'max-kib',
    'large',
    'large-mib',
    'runs',
    'change-pct',
    'dir',
    'only',
    'catalog-versions',
    'catalog-folder',
    'year-catalog',
    'json',
    'keep',
    'peers',
    'drive-files',
    'drive-big-mib',
    'scale-files',
    'scale-days',
  ]);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`Unknown option --${k}; see --help.`);
  const only = (get('only') ?? DEFAULT_SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only)
    if (!SECTIONS.includes(s as Section)) throw new Error(`--only takes ${SECTIONS.join(',')} (got "${s}").`);
  return {
    files: Math.floor(num('--files', get('files'), 100_000)),
    maxKib: num('--max-kib', get('max-kib'), 16),
    large: Math.floor(num('--large', get('large'), 4)),
    largeMib: num('--large-mib', get('large-mib'), 64),
    runs: Math.max(1, Math.floor(num('--runs', get('runs'), 3))),
    changePct: num('--change-pct', get('change-pct'), 1),
    dir: get('dir') ?? os.tmpdir(),
    only: only as Section[],
    catalogVersions: Math.floor(num('--catalog-versions', get('catalog-versions'), 1_000_000)),
    catalogFolder: Math.floor(num('--catalog-folder', get('catalog-folder'), 100_000)),
    yearCatalog: get('year-catalog') ?? null,
    json: get('json') ?? null,
    keep: get('keep') !== undefined && get('keep') !== '0',
    peers: peersFlag(get('peers')),
    driveFiles: Math.floor(num('--drive-files', get('drive-files'), 20_000)),
    driveBigMib: num('--drive-big-mib', get('drive-big-mib'), 200),
    scaleFiles: Math.floor(num('--scale-files', get('scale-files'), 1_000_000)),
    scaleDays: Math.floor(num('--scale-days', get('scale-days'), 365)),
  };
}
