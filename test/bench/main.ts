// `npm run bench`: builds a corpus in a temp folder and times Cairn against cp, rsync and sha256sum on it,
// plus the catalog's folder and search queries. A benchmark, not a test: nothing here runs in `npm test`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args';
import { backupBench } from './backupBench';
import { catalogBench } from './catalogBench';
import { driveBench } from './driveBench';
import type { BenchContext } from './context';
import { buildCorpus, type Corpus } from './corpus';
import { HASH_WORKER_FLAG, hashBench, hashWorker } from './hashBench';
import { rssSource } from './measure';
import { findRestic, spawnRunner } from './restic';
import { pruneBench } from './pruneBench';
import { restoreBench } from './restoreBench';
import { scaleBench } from './scaleBench';
import { applyTargets, formatTable } from './results';

const script = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(script), '..');

function log(s: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
}

function version(cmd: string): string {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n')[0]!.trim() || 'not found';
}

function machine(restic: string | null): string[] {
  return [
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `tools: node ${process.version}; ${version('rsync')}; ${version('cp')}; ${version('sha256sum')}; restic ${restic ?? 'not timed'}`,
    `peak RSS read with: ${rssSource() === 'gnu-time' ? '/usr/bin/time (wait4 ru_maxrss)' : '/proc VmHWM polled every 10 ms'}`,
  ];
}

async function bench(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const built = path.join(repo, 'dist', 'cli.mjs');
  if (!fs.existsSync(built)) throw new Error('Build first: node scripts/build.mjs');
  // A snapshot of the built CLI, the bench's chunks and the worker threads inside dist/ (same node_modules), so a
  // rebuild during the run (npm test in the same checkout) neither removes files mid-run nor mixes two
  // versions in one table. It is laid out as a package (package.json, dist/) so that the CLI starts the
  // snapshot's workers (workerFile in lanePool.ts looks under the package root). Started as bin/cairn.mjs
  // starts it: one `node` process loading the bundle.
  const snap = path.join(repo, 'dist', `bench-snapshot-${process.pid}`);
  fs.mkdirSync(path.join(snap, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(repo, 'package.json'), path.join(snap, 'package.json'));
  for (const f of ['cli.mjs', 'cli.cjs', 'bench.mjs', 'chunks', 'workers'])
    if (fs.existsSync(path.join(repo, 'dist', f)))
      fs.cpSync(path.join(repo, 'dist', f), path.join(snap, 'dist', f), { recursive: true });
  const cli = path.join(snap, 'dist', 'cli.mjs');
  fs.mkdirSync(args.dir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(args.dir, 'cairn-bench-'));
  const cleanup = () => {
    fs.rmSync(snap, { recursive: true, force: true });
    if (args.keep) log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    log(`stopped by ${sig}; removing ${tmp}`);
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`working in ${tmp}`);
  const needsCorpus = args.only.some((s) => ['backup', 'prune', 'hash', 'restore'].includes(s));
  const empty: Corpus = {
    root: path.join(tmp, 'corpus'),
    small: '',
    large: '',
    files: 0,
    dirs: 0,
    bytes: 0,
    smallBytes: 0,
    largeFiles: [],
    largeBytes: 0,
    maxBytes: 0,
  };
  const ctx: BenchContext = { args, corpus: empty, tmp, cli, rows: [], notes: [], restic: null, log };
  try {
    if (needsCorpus) {
      log(
        `building the corpus: ${args.files} small files (0-${args.maxKib} KiB), ${args.large} x ${args.largeMib} MiB`,
      );
      ctx.corpus = buildCorpus(path.join(tmp, 'corpus'), args, log);
    }
    const c = ctx.corpus;
    if (args.only.includes('backup') && args.peers) {
      const restic = findRestic(spawnRunner, process.getuid?.() === 0);
      if ('version' in restic) ctx.restic = restic.version;
      else ctx.notes.push(`backup: no restic rows: ${restic.missing}.`);
    }
    if (args.only.includes('backup')) await backupBench(ctx);
    if (args.only.includes('prune')) await pruneBench(ctx);
    if (args.only.includes('hash')) await hashBench(ctx, path.join(snap, 'dist', 'bench.mjs'));
    if (args.only.includes('restore')) await restoreBench(ctx);
    if (args.only.includes('catalog')) await catalogBench(ctx);
    if (args.only.includes('drive')) await driveBench(ctx);
    if (args.only.includes('scale')) await scaleBench(ctx);
    applyTargets(ctx.rows, c.files);
    const header = [
      `Cairn benchmark, ${new Date().toISOString()}`,
      ...machine(ctx.restic),
      needsCorpus
        ? `corpus: ${c.files.toLocaleString('en-US')} files (${(c.files - c.largeFiles.length).toLocaleString('en-US')} small of 0-${args.maxKib} KiB in ${c.dirs.toLocaleString('en-US')} folders, ${c.largeFiles.length} x ${args.largeMib} MiB random), ${(c.bytes / 1e6).toFixed(0)} MB`
        : 'corpus: none (the catalog, drive and scale sections make their own)',
      `method: median of ${args.runs} runs, tools in turn round by round, a ratio the median of the rounds' ratios (catalog: of ${Math.max(5, args.runs)} in-process calls after one warm call); the page cache cannot be dropped, so one untimed pass warms it first and every timing is warm-cache; \`sync\` runs (untimed) before each timed run; Cairn is the real CLI (a snapshot of dist/cli.mjs, cli.cjs and workers taken at the start, run as bin/cairn.mjs runs it, startup included) and fsyncs its backup, the peers do not; MB/s and files/s are over the whole tree the operation covers.`,
    ];
    const out = [
      ...header,
      '',
      formatTable(ctx.rows),
      '',
      ...new Set(ctx.rows.filter((r) => r.note).map((r) => `note: ${r.operation}: ${r.note}`)),
      ...ctx.notes.map((n) => `note: ${n}`),
    ];
    process.stdout.write(out.join('\n') + '\n');
    if (args.json) {
      fs.writeFileSync(
        args.json,
        JSON.stringify({ header, args, corpus: c, rows: ctx.rows, notes: ctx.notes }, null, 2) + '\n',
      );
      log(`wrote ${args.json}`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanup();
  }
}

const argv = process.argv.slice(2);
const job = argv[0] === HASH_WORKER_FLAG ? hashWorker(argv.slice(1)).then(() => 0) : bench(argv);
job.then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
