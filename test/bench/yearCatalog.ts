// A year of daily backups in a catalog (issue #17 timings): 365 backups of a 100,000-file tree, written
// through the catalog's own functions as a backup run writes them (insertBackup, then applyChanges with a
// changes file). About 1 % of the files change each day, some are added and removed, one changes every day.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { insertBackup } from '../../electron/engine/catalog/backups';
import { catalogPath, openCatalog, type Db } from '../../electron/engine/catalog/db';
import { insertPlan } from '../../electron/engine/catalog/plans';
import { applyChanges } from '../../electron/engine/catalog/versions';
import { escapeField, formatEntry } from '../../electron/engine/format/manifest';

export interface YearOptions {
  files?: number;
  days?: number;
  /** Percent of the files changed each day. */
  changePct?: number;
  /** Files added and files removed each day. */
  churn?: number;
  log?: (s: string) => void;
}

export interface YearCatalog {
  db: Db;
  dataDir: string;
  plan: string;
  planId: number;
  /** The backups, oldest first. */
  backups: { id: number; stamp: string }[];
  /** The file that changes every day: it has one version per backup. */
  everyDay: string;
  versions: number;
  /** The catalog's size on disk after a checkpoint. */
  catalogBytes: number;
  buildMs: number;
}

const LABEL = 'home';
const PER_FOLDER = 100;
const FOLDERS_PER_TOP = 100;
const DAY = 86_400_000;
/** 2025-01-01 02:00 UTC: a fixed year, so the catalog is the same on every run. */
const START = Date.UTC(2025, 0, 1, 2);

/** A small fixed-seed generator (mulberry32): the same catalog on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const folderOf = (i: number) => {
  const d = Math.floor(i / PER_FOLDER);
  return `${LABEL}/p${Math.floor(d / FOLDERS_PER_TOP)}/d${d}`;
};
const fileOf = (i: number) => `${folderOf(i)}/f-${i}.txt`;

function stampOf(at: number): string {
  return new Date(at)
    .toISOString()
    .slice(0, 19)
    .replace(/-(\d\d)T/, '-$1_')
    .replace(/:/g, '');
}

/** The changes-file lines of one entry (escaped as a backup run writes them). */
const plus = (kind: 'f' | 'd', p: string, size: number, at: number, content: number) =>
  '+' +
  formatEntry({
    kind,
    path: p,
    size,
    mtimeMs: at,
    mode: kind === 'd' ? 0o755 : 0o644,
    sha256: kind === 'd' ? null : content.toString(16).padStart(64, '0'),
    target: null,
    ino: null,
    ctimeMs: null,
    flags: '',
  });
const minus = (p: string) => '-' + escapeField(p);

/** Writes the catalog of a year of backups into a new data folder `dataDir`. */
export function buildYearCatalog(dataDir: string, o: YearOptions = {}): YearCatalog {
  const files = o.files ?? 100_000;
  const days = o.days ?? 365;
  const perDay = Math.round((files * (o.changePct ?? 1)) / 100);
  const churn = o.churn ?? 30;
  const t0 = performance.now();
  const rnd = random(17);
  const db = openCatalog(dataDir);
  const plan = insertPlan(db, { name: 'year', dest: path.join(dataDir, 'dest'), sources: ['/home'] }, START);
  const alive = new Uint8Array(files);
  const sizes = new Float64Array(files);
  let held = 1; // files in the backup: the one that changes every day, and those below
  let next = 0;
  let content = 1;
  let totalBytes = 0;
  const everyDay = `${LABEL}/daily.log`;
  const pickAlive = () => {
    for (;;) {
      const i = Math.floor(rnd() * next);
      if (alive[i]) return i;
    }
  };
  const backups: YearCatalog['backups'] = [];
  const changesFile = path.join(dataDir, 'changes.txt');
  for (let day = 0; day < days; day++) {
    const at = START + day * DAY;
    const lines: string[] = [];
    const touched = new Set<string>(); // folders whose mtime moves (a file added or removed in them)
    const write = (i: number) => {
      sizes[i] = Math.floor(rnd() * 16_384);
      totalBytes += sizes[i]!;
      lines.push(plus('f', fileOf(i), sizes[i]!, at, content++));
    };
    const drop = (i: number) => {
      alive[i] = 0;
      held--;
      totalBytes -= sizes[i]!;
      lines.push(minus(fileOf(i)));
      touched.add(folderOf(i));
    };
    let newFiles = 0;
    if (day === 0) {
      lines.push(plus('d', LABEL, 0, at, 0));
      for (let d = 0; d < files / PER_FOLDER; d++) {
        if (d % FOLDERS_PER_TOP === 0) lines.push(plus('d', `${LABEL}/p${d / FOLDERS_PER_TOP}`, 0, at, 0));
        lines.push(plus('d', folderOf(d * PER_FOLDER), 0, at, 0));
      }
      for (; next < files; next++) {
        alive[next] = 1;
        write(next);
      }
      held += files;
      newFiles = files;
    } else {
      lines.push(minus(everyDay));
      const changed = new Set<number>();
      while (changed.size < perDay) changed.add(pickAlive());
      for (const i of changed) {
        totalBytes -= sizes[i]!;
        lines.push(minus(fileOf(i)));
        write(i);
      }
      for (let k = 0; k < churn; k++) drop(pickAlive());
      for (let k = 0; k < churn; k++) {
        const i = Math.floor(rnd() * files); // a new file beside an existing one
        const folder = folderOf(i);
        touched.add(folder);
        lines.push(plus('f', `${folder}/new-${day}-${k}.txt`, 100 + k, at, content++));
        totalBytes += 100 + k;
        held++;
      }
      newFiles = perDay + churn + 1;
      for (const f of touched) lines.push(minus(f), plus('d', f, 0, at, 0));
    }
    lines.push(plus('f', everyDay, 64 + day, at, content++));
    fs.writeFileSync(changesFile, lines.join('\n') + '\n');
    const prev = backups.at(-1);
    db.transaction(() => {
      const rec = insertBackup(db, {
        planId: plan.id,
        stamp: stampOf(at),
        status: 'complete',
        startedAt: at,
        finishedAt: at + 60_000,
        files: held,
        dirs: files / PER_FOLDER,
        symlinks: 0,
        bytes: totalBytes,
        newFiles,
        newBytes: 0,
        linkedFiles: files - newFiles,
        skipped: 0,
        warnings: 0,
      });
      applyChanges(db, plan.id, rec.id, prev ? prev.id : null, changesFile);
      backups.push({ id: rec.id, stamp: rec.stamp });
    })();
    if (o.log && (day + 1) % 73 === 0) o.log(`year catalog: ${day + 1} of ${days} backups`);
  }
  fs.rmSync(changesFile, { force: true });
  db.pragma('wal_checkpoint(TRUNCATE)');
  const versions = db.prepare('SELECT count(*) FROM file_versions').pluck().get() as number;
  return {
    db,
    dataDir,
    plan: plan.name,
    planId: plan.id,
    backups,
    everyDay,
    versions,
    catalogBytes: fs.statSync(catalogPath(dataDir)).size,
    buildMs: performance.now() - t0,
  };
}

type Kept = Omit<YearCatalog, 'db' | 'dataDir'>;

/**
 * The year catalog in `dataDir`: built there on the first call, opened again on the next ones (what it
 * holds is written beside it), so that timing the comparisons again does not build it again.
 */
export function keptYearCatalog(dataDir: string, o: YearOptions = {}): YearCatalog {
  const about = path.join(dataDir, 'year.json');
  if (fs.existsSync(about)) {
    const kept = JSON.parse(fs.readFileSync(about, 'utf8')) as Kept;
    return { ...kept, db: openCatalog(dataDir), dataDir };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const cat = buildYearCatalog(dataDir, o);
  const kept: Kept & { db?: unknown; dataDir?: unknown } = { ...cat };
  delete kept.db;
  delete kept.dataDir;
  fs.writeFileSync(about, JSON.stringify(kept));
  return cat;
}
