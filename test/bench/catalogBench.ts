// Catalog speed (issue #7 point 9): open a 100,000-entry folder, and search a name over 1,000,000 versions.
import { performance } from 'node:perf_hooks';
import { insertBackup } from '../../electron/engine/catalog/backups';
import { openCatalog, type Db } from '../../electron/engine/catalog/db';
import { insertPlan } from '../../electron/engine/catalog/plans';
import * as versions from '../../electron/engine/catalog/versions';
import { tmpPath, type BenchContext } from './context';
import type { Sample } from './measure';
import { row } from './results';

const BACKUPS = 30;
/** Each path outside the big folder has three versions: backups 1-10, 11-20, and 21 onwards. */
const GENERATIONS = [1, 11, 21];

function entry(path: string, size: number, mtimeMs: number) {
  return {
    kind: 'f' as const,
    path,
    size,
    mtimeMs,
    mode: 0o644,
    sha256: size.toString(16).padStart(64, '0'),
    target: null,
    ino: null,
    ctimeMs: null,
    flags: '',
  };
}

/** Fills a fresh catalog through the catalog's own writers: backup rows, then versions opened and closed. */
function buildCatalog(
  ctx: BenchContext,
  total: number,
  big: number,
): { db: Db; planId: number; ids: number[] } {
  const db = openCatalog(tmpPath(ctx, 'data-catalog'));
  const plan = insertPlan(db, { name: 'bench', dest: ctx.tmp, sources: [ctx.corpus.root] }, Date.now());
  const ids: number[] = [];
  for (let b = 1; b <= BACKUPS; b++) {
    const zero = { files: 0, dirs: 0, symlinks: 0, bytes: 0, newFiles: 0, newBytes: 0, linkedFiles: 0 };
    const stamp = `2026-01-${String(b).padStart(2, '0')}_020000`;
    const at = Date.UTC(2026, 0, b, 2);
    ids.push(
      insertBackup(db, {
        ...zero,
        skipped: 0,
        warnings: 0,
        planId: plan.id,
        stamp,
        status: 'complete',
        startedAt: at,
        finishedAt: at + 1000,
      }).id,
    );
  }
  const w = versions.versionWriter(db, plan.id);
  const paths = Math.floor((total - big) / GENERATIONS.length);
  db.transaction(() => {
    for (let i = 0; i < big; i++) w.open(entry(`corpus/big/file-${i}.txt`, i, 1e12 + i), ids[0]!);
    GENERATIONS.forEach((first, g) => {
      for (let i = 0; i < paths; i++) {
        const p = `corpus/d${Math.floor(i / 100)}/name-${i}.txt`;
        if (g > 0) w.close(p, ids[first - 2]!);
        w.open(entry(p, i + g, 1e12 + g), ids[first - 1]!);
      }
    });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  return { db, planId: plan.id, ids };
}

function time(n: number, f: () => number): { samples: Sample[]; result: number; firstMs: number } {
  const t0 = performance.now();
  let result = f(); // the first call prepares statements and warms SQLite's page cache
  const firstMs = performance.now() - t0;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    result = f();
    samples.push({ ms: performance.now() - t, rssKib: null });
  }
  return { samples, result, firstMs };
}

/** Times listFolder on the big folder (all of it, and a first page) and a name search over every version. */
export function catalogBench(ctx: BenchContext): void {
  const { catalogVersions: total, catalogFolder: big } = ctx.args;
  const runs = Math.max(5, ctx.args.runs);
  ctx.log(`catalog: inserting ${total.toLocaleString('en-US')} file versions through versionWriter`);
  const t0 = performance.now();
  const { db, planId, ids } = buildCatalog(ctx, total, big);
  const count = (db.prepare('SELECT count(*) AS n FROM file_versions').get() as { n: number }).n;
  ctx.log(`catalog: built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${count} versions)`);
  const mid = ids[14]!;
  const push = (op: string, m: ReturnType<typeof time>, files: number, note: string) =>
    ctx.rows.push(row('catalog', op, 'cairn catalog', m.samples, { bytes: null, files }, note));

  const all = time(runs, () => versions.listFolder(db, planId, mid, 'corpus/big').length);
  if (all.result !== big)
    throw new Error(`catalog: listFolder returned ${all.result} entries, ${big} expected`);
  push(
    `open folder of ${big.toLocaleString('en-US')} entries`,
    all,
    big,
    `listFolder, all entries; first call ${all.firstMs.toFixed(0)} ms`,
  );
  const page = time(runs, () => versions.listFolder(db, planId, mid, 'corpus/big', { limit: 200 }).length);
  push(
    'open folder, first 200 entries',
    page,
    200,
    `listFolder limit 200; first call ${page.firstMs.toFixed(0)} ms`,
  );

  const end = Math.max(0, big - 200);
  const deep = time(
    runs,
    () => versions.listFolder(db, planId, mid, 'corpus/big', { offset: end, limit: 200 }).length,
  );
  push(
    `open folder, 200 entries at offset ${end.toLocaleString('en-US')}`,
    deep,
    200,
    'listFolder limit 200 offset (scrolled to the end)',
  );

  // No search function exists in catalog/ yet (versions.ts has none): this is the SQL it would run.
  const search = db.prepare(
    `SELECT * FROM file_versions WHERE plan_id = ? AND name LIKE ? ESCAPE '\\'
     ORDER BY parent, name, first_backup LIMIT 1000`,
  );
  const term = `name-${Math.floor((total - big) / 6)}.`;
  const hit = time(runs, () => search.all(planId, `%${term}%`).length);
  if (hit.result !== GENERATIONS.length) throw new Error(`catalog: search found ${hit.result} versions`);
  push(
    `search a name over ${count.toLocaleString('en-US')} versions`,
    hit,
    count,
    `SQL only (no search function yet): name LIKE '%${term}%', ${hit.result} hits; first call ${hit.firstMs.toFixed(0)} ms`,
  );
  const miss = time(runs, () => search.all(planId, '%no-such-name%').length);
  push(
    `search, no match, ${count.toLocaleString('en-US')} versions`,
    miss,
    count,
    'SQL only, full scan, 0 hits',
  );
  db.close();
}
