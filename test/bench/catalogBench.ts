// Catalog speed (issue #7 point 9): open a 100,000-entry folder, and search a name over 1,000,000 versions;
// (issue #17) what changed between backups in a year of daily backups of 100,000 files.
import { performance } from 'node:perf_hooks';
import { insertBackup } from '../../electron/engine/catalog/backups';
import { openCatalog, type Db } from '../../electron/engine/catalog/db';
import { insertPlan } from '../../electron/engine/catalog/plans';
import * as versions from '../../electron/engine/catalog/versions';
import { forgetComparisons } from '../../electron/engine/app/service/handlers/changes';
import { CairnService } from '../../electron/engine/app/service/service';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { tmpPath, type BenchContext } from './context';
import type { Sample } from './measure';
import { row } from './results';
import { buildYearCatalog, keptYearCatalog, type YearCatalog } from './yearCatalog';

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

/** Times `f` `n` times after one untimed call (which prepares statements and warms SQLite's page cache). */
export async function time<T>(
  n: number,
  f: () => T | Promise<T>,
): Promise<{ samples: Sample[]; result: T; firstMs: number }> {
  const t0 = performance.now();
  let result = await f();
  const firstMs = performance.now() - t0;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    result = await f();
    samples.push({ ms: performance.now() - t, rssKib: null });
  }
  return { samples, result, firstMs };
}

/** Times listFolder on the big folder (all of it, and a first page) and a name search over every version. */
export async function catalogBench(ctx: BenchContext): Promise<void> {
  const { catalogVersions: total, catalogFolder: big } = ctx.args;
  const runs = Math.max(5, ctx.args.runs);
  ctx.log(`catalog: inserting ${total.toLocaleString('en-US')} file versions through versionWriter`);
  const t0 = performance.now();
  const { db, planId, ids } = buildCatalog(ctx, total, big);
  const count = (db.prepare('SELECT count(*) AS n FROM file_versions').get() as { n: number }).n;
  ctx.log(`catalog: built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${count} versions)`);
  const mid = ids[14]!;
  const push = (op: string, m: Awaited<ReturnType<typeof time>>, files: number, note: string) =>
    ctx.rows.push(row('catalog', op, 'cairn catalog', m.samples, { bytes: null, files }, note));

  const all = await time(runs, () => versions.listFolder(db, planId, mid, 'corpus/big').length);
  if (all.result !== big)
    throw new Error(`catalog: listFolder returned ${all.result} entries, ${big} expected`);
  push(
    `open folder of ${big.toLocaleString('en-US')} entries`,
    all,
    big,
    `listFolder, all entries; first call ${all.firstMs.toFixed(0)} ms`,
  );
  const page = await time(
    runs,
    () => versions.listFolder(db, planId, mid, 'corpus/big', { limit: 200 }).length,
  );
  push(
    'open folder, first 200 entries',
    page,
    200,
    `listFolder limit 200; first call ${page.firstMs.toFixed(0)} ms`,
  );

  const end = Math.max(0, big - 200);
  const deep = await time(
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
  const hit = await time(runs, () => search.all(planId, `%${term}%`).length);
  if (hit.result !== GENERATIONS.length) throw new Error(`catalog: search found ${hit.result} versions`);
  push(
    `search a name over ${count.toLocaleString('en-US')} versions`,
    hit,
    count,
    `SQL only (no search function yet): name LIKE '%${term}%', ${hit.result} hits; first call ${hit.firstMs.toFixed(0)} ms`,
  );
  const miss = await time(runs, () => search.all(planId, '%no-such-name%').length);
  push(
    `search, no match, ${count.toLocaleString('en-US')} versions`,
    miss,
    count,
    'SQL only, full scan, 0 hits',
  );
  db.close();
  await yearBench(ctx);
}

/**
 * Times `f` on the year catalog as the other catalog rows are timed and adds its row (target by the
 * operation's first words, results.ts).
 */
export async function timeOnYear<T>(
  ctx: BenchContext,
  cat: YearCatalog,
  operation: string,
  note: string,
  f: () => T | Promise<T>,
): Promise<T> {
  const m = await time(Math.max(5, ctx.args.runs), f);
  const files = cat.db
    .prepare('SELECT files FROM backups WHERE id = ?')
    .pluck()
    .get(cat.backups.at(-1)!.id) as number;
  ctx.rows.push(
    row(
      'catalog',
      operation,
      'cairn catalog',
      m.samples,
      { bytes: null, files },
      `${note}; first call ${m.firstMs.toFixed(0)} ms`,
    ),
  );
  return m.result;
}

const tallies = (s: MethodOutput<'backupChanges'>['summary']) =>
  (['added', 'changed', 'removed'] as const).map((k) => `${s[k].count} ${k}`).join(', ');

/** What changed in the newest backup of the year, against the one before, 100 backups back, and the first. */
async function yearBench(ctx: BenchContext): Promise<void> {
  ctx.log('catalog: building a year of daily backups of 100,000 files through insertBackup and applyChanges');
  const kept = ctx.args.yearCatalog;
  const cat = kept
    ? keptYearCatalog(kept, { log: ctx.log })
    : buildYearCatalog(tmpPath(ctx, 'data-year'), { log: ctx.log });
  ctx.notes.push(
    `year catalog: ${cat.backups.length} daily backups of 100,000 files (1 % changed a day, 30 added and 30 removed, ` +
      `${cat.everyDay} every day): ${cat.versions.toLocaleString('en-US')} versions, ` +
      `${(cat.catalogBytes / 1e6).toFixed(0)} MB on disk, built in ${(cat.buildMs / 1000).toFixed(1)} s` +
      (kept ? ` (kept in ${kept})` : ''),
  );
  const service = new CairnService({ db: cat.db, actor: 'bench', secrets: new FileSecretStore(cat.dataDir) });
  // Each timed call reads the comparison afresh (the service keeps the last ones for the next folder).
  const changes =
    (input: Omit<MethodInput<'backupChanges'>, 'plan'>, fresh = true) =>
    async () => {
      if (fresh) forgetComparisons();
      const r = await service.call('backupChanges', { plan: cat.plan, ...input });
      if (!r.ok) throw new Error(`catalog: backupChanges failed: ${r.error.message}`);
      return r.value as MethodOutput<'backupChanges'>;
    };
  const newest = cat.backups.at(-1)!.stamp;
  const back = (n: number) => cat.backups[cat.backups.length - 1 - n]!.stamp;
  const note = 'backupChanges through the service (input and answer checked), top folder';
  const prev = await timeOnYear(
    ctx,
    cat,
    'what changed, against the previous backup',
    note,
    changes({ stamp: newest }),
  );
  const timeline = await timeOnYear(
    ctx,
    cat,
    'file timeline, a file changed every day',
    'fileTimeline through the service (input and answer checked)',
    async () => {
      const r = await service.call('fileTimeline', { plan: cat.plan, path: cat.everyDay });
      if (!r.ok) throw new Error(`catalog: fileTimeline failed: ${r.error.message}`);
      return r.value as MethodOutput<'fileTimeline'>;
    },
  );
  if (timeline.versions.length !== cat.backups.length)
    throw new Error(
      `catalog: ${cat.everyDay} has ${timeline.versions.length} versions; ${cat.backups.length} expected`,
    );
  const s = prev.summary;
  if (s.changed.count !== 1001 || s.added.count !== 30 || s.removed.count !== 30)
    throw new Error(
      `catalog: the newest backup's changes are ${tallies(s)}; 1001 changed, 30 added and 30 removed expected`,
    );
  const hundred = await timeOnYear(
    ctx,
    cat,
    'what changed, across 100 backups',
    `${note}: ${tallies((await changes({ stamp: newest, against: back(100) })()).summary)}`,
    changes({ stamp: newest, against: back(100) }),
  );
  await timeOnYear(
    ctx,
    cat,
    'what changed, across 100 backups, next folder and name filter',
    `same comparison kept from the call before, in ${hundred.entries[0]!.path}/p3, names with "new-"`,
    changes(
      { stamp: newest, against: back(100), path: `${hundred.entries[0]!.path}/p3`, query: 'new-' },
      false,
    ),
  );
  const year = cat.backups.length - 1;
  await timeOnYear(
    ctx,
    cat,
    `what changed, across ${year} backups (the year)`,
    `${note}: ${tallies((await changes({ stamp: newest, against: back(year) })()).summary)}`,
    changes({ stamp: newest, against: back(year) }),
  );
  cat.db.close();
}
