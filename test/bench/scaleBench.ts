// `--only scale` (issue #19): Cairn at 1,000,000 tiny files (peak RSS, time per 100k files at N and at N/10)
// and a long run of daily no-change backups of one tree (catalog rows and size, the last backups' time
// against the early ones). Long at full size, so not in the default sections.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { catalogPath } from '../../electron/engine/catalog/db';
import { cairnCmd, keepLast, setup, timed, tmpPath, type BenchContext } from './context';
import { buildCorpus, type Corpus } from './corpus';
import type { Sample } from './measure';
import {
  addTarget,
  AT_TENTH,
  EARLY_DAYS,
  LAST_DAYS,
  row,
  SAME_TREE_DAILY,
  TINY_FIRST,
  TINY_SAME,
} from './results';

const n = (v: number) => v.toLocaleString('en-US');

/** Rows in every table of the catalog (virtual tables are counted through their shadow tables). */
export function catalogRows(dataDir: string): number {
  const db = new Database(catalogPath(dataDir), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
      .pluck()
      .all() as string[];
    let rows = 0;
    for (const t of tables)
      rows += db
        .prepare(`SELECT count(*) FROM "${t.replace(/"/g, '""')}"`)
        .pluck()
        .get() as number;
    return rows;
  } finally {
    db.close();
  }
}

/** The catalog's size on disk: the database and its write-ahead log. */
function catalogBytes(dataDir: string): number {
  const f = catalogPath(dataDir);
  return [f, `${f}-wal`].reduce((sum, p) => sum + (fs.existsSync(p) ? fs.statSync(p).size : 0), 0);
}

/** A corpus of small files only, built under the temp folder. */
function smallCorpus(ctx: BenchContext, name: string, files: number, maxKib: number): Corpus {
  ctx.log(`scale: building ${n(files)} files of 0-${maxKib} KiB`);
  return buildCorpus(tmpPath(ctx, name), { files, maxKib, large: 0, largeMib: 0 }, ctx.log);
}

/** A plan (plan name "scale") on a corpus, keeping every backup, in its own data folder. */
async function planOn(ctx: BenchContext, name: string, c: Corpus) {
  const dataDir = tmpPath(ctx, `data-${name}`);
  const dest = tmpPath(ctx, 'dest', name);
  fs.mkdirSync(dest, { recursive: true });
  const add = ['plan', 'add', 'scale', '--source', c.root, '--dest', dest, '--no-default-excludes'];
  await setup(cairnCmd(ctx, dataDir, ...add, ...keepLast(0)));
  return { dataDir, dest, backup: cairnCmd(ctx, dataDir, 'backup', 'scale') };
}

const per100k = (s: Sample, files: number) =>
  `${(s.ms / (files / 100_000) / 1000).toFixed(2)} s per 100k files`;

/** First and no-change backup of `files` tiny files (0-1 KiB), one run each. */
async function tinyFiles(ctx: BenchContext, files: number, tool: string): Promise<void> {
  const c = smallCorpus(ctx, `tiny-${files}`, files, 1);
  const p = await planOn(ctx, `tiny-${files}`, c);
  const size = { bytes: c.bytes, files: c.files };
  for (const operation of [TINY_FIRST, TINY_SAME]) {
    ctx.log(`scale: ${operation}, ${n(files)} files`);
    const s = await timed(p.backup);
    ctx.rows.push({ ...row('scale', operation, tool, [s], size), amount: per100k(s, c.files) });
  }
}

/** `days` daily no-change backups of one tree of `files` files: catalog rows and size, early and late times. */
async function dailyRuns(ctx: BenchContext, files: number, days: number): Promise<void> {
  const c = smallCorpus(ctx, 'daily-src', files, ctx.args.maxKib);
  const p = await planOn(ctx, 'daily', c);
  const times: Sample[] = [];
  const rows: number[] = [];
  for (let d = 1; d <= days; d++) {
    if (d === 1 || d % 10 === 0 || d === days) ctx.log(`scale: daily backup ${d} of ${days}`);
    times.push(await timed(p.backup));
    rows.push(catalogRows(p.dataDir));
  }
  const size = { bytes: c.bytes, files: c.files };
  const growth = (d: number) => rows[d - 1]! - rows[d - 2]!;
  const first = rows[0]!;
  const grew = growth(days);
  const pct = (100 * grew) / first;
  ctx.rows.push({
    ...row('scale', SAME_TREE_DAILY, 'cairn, backup 1 (first)', [times[0]!], size),
    amount: `catalog ${n(first)} rows`,
  });
  ctx.rows.push({
    ...row('scale', SAME_TREE_DAILY, EARLY_DAYS, times.slice(1, 4), size),
    amount: `+${n(growth(2))} rows at backup 2`,
  });
  const last = {
    ...row('scale', SAME_TREE_DAILY, LAST_DAYS, times.slice(-3), size),
    amount: `+${n(grew)} rows at backup ${days} (${pct.toFixed(3)}% of backup 1's); catalog ${n(rows.at(-1)!)} rows, ${(catalogBytes(p.dataDir) / 1e6).toFixed(1)} MB`,
  };
  addTarget(last, { text: "growth < 1% of backup 1's rows (#19)", met: pct < 1 });
  ctx.rows.push(last);
  const at = (i: number) => `${(times[i - 1]!.ms / 1000).toFixed(2)} s`;
  ctx.notes.push(
    `${SAME_TREE_DAILY}: ${days} no-change \`cairn backup\` runs of ${n(c.files)} files keeping every backup, one after the other (real clock); backup 2 took ${at(2)}, backup ${days} ${at(days)}; the median of backups 2-4 is compared with the median of backups ${days - 2}-${days}.`,
  );
}

/**
 * The scale section: tiny files at N/10 and N, then the daily runs. Nothing is deleted until the end (with
 * the temp folder): for minutes after many files are deleted, ext4 creates files several times slower.
 */
export async function scaleBench(ctx: BenchContext): Promise<void> {
  const { scaleFiles, scaleDays, files } = ctx.args;
  if (scaleDays < 4)
    throw new Error('--scale-days takes at least 4 (backups 2-4 are compared with the last 3).');
  await tinyFiles(ctx, Math.max(1, Math.round(scaleFiles / 10)), AT_TENTH);
  await tinyFiles(ctx, scaleFiles, 'cairn');
  ctx.notes.push(
    `tiny files: ${n(scaleFiles)} files of 0-1 KiB (and a tenth of them for "${AT_TENTH}"), about 100 a folder, one run each; the ratio is the time per file against the tenth (1.00x: constant per 100k files).`,
  );
  await dailyRuns(ctx, files, scaleDays);
}
