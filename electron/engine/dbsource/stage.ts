import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../catalog/db';
import type { Plan, Source } from '../catalog/plans';
import type { SecretStore } from '../secrets/store';
import { describeError } from '../errors';
import { removeTree } from '../format/layout';
import { dumpPostgres } from './pgDump';
import { snapshotSqlite } from './sqliteSnap';
import { listDbSources, passwordKey, recordDump, type DbSource } from './store';
import { writeSourceInfo } from './info';

export interface StageOptions {
  db: Db;
  plan: Plan;
  /** A folder under the run's partial area; made here, removed by the caller with the rest of the run. */
  dir: string;
  stamp: string;
  now: () => number;
  /** Where PostgreSQL passwords are (default: the 0600 file in the catalog's data directory). */
  secrets: SecretStore;
  signal?: AbortSignal;
}

export interface Staged {
  dir: string;
  /** One folder per database dumped, `<dir>/<label>`, backed up (whole) as the source `<label>`. */
  roots: Source[];
  /** One per database that could not be dumped; the run keeps the file sources and is marked with warnings. */
  warnings: { path: string; message: string }[];
}

/**
 * Dumps (PostgreSQL) or snapshots (SQLite) each database source of the plan into its own folder under
 * `dir`, before the walk; the walk then backs them up like any folder, so they land as `<label>/<file>`
 * with their SHA-256 in the manifest. A database that cannot be dumped becomes a warning, never a failure.
 */
export async function stageDatabases(o: StageOptions): Promise<Staged> {
  const sources = listDbSources(o.db, o.plan.id);
  const staged: Staged = { dir: o.dir, roots: [], warnings: [] };
  if (sources.length === 0) return staged;
  fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const secrets = o.secrets;
  const folderLabels = new Set(o.plan.sources.map((s) => s.label));
  for (const s of sources) {
    o.signal?.throwIfAborted();
    if (folderLabels.has(s.label)) {
      staged.warnings.push({
        path: s.label,
        message: `database source not backed up: a source folder has the same name "${s.label}"; rename one of them`,
      });
      continue;
    }
    const out = path.join(o.dir, s.label);
    fs.mkdirSync(out, { mode: 0o700 });
    const t0 = performance.now();
    try {
      const r = await dumpOne(s, out, secrets, o.signal);
      writeSourceInfo(out, s, r.file, o.now());
      recordDump(o.db, s.id, {
        stamp: o.stamp,
        at: o.now(),
        ok: true,
        file: `${s.label}/${r.file}`,
        bytes: r.bytes,
        durationMs: performance.now() - t0,
        message: null,
      });
      staged.roots.push({ label: s.label, path: out });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      removeTree(out);
      const message = describeError(e);
      recordDump(o.db, s.id, {
        stamp: o.stamp,
        at: o.now(),
        ok: false,
        file: null,
        bytes: null,
        durationMs: performance.now() - t0,
        message,
      });
      staged.warnings.push({ path: s.label, message: `database not backed up: ${message}` });
    }
  }
  return staged;
}

async function dumpOne(
  s: DbSource,
  out: string,
  secrets: SecretStore,
  signal?: AbortSignal,
): Promise<{ file: string; bytes: number }> {
  if (s.kind === 'sqlite')
    return snapshotSqlite(s.location, s.format === 'vacuum' ? 'vacuum' : 'backup', out);
  const password = await secrets.get(passwordKey(s));
  return dumpPostgres(
    { url: s.location, password },
    s.format === 'sql.gz' ? 'sql.gz' : 'custom',
    out,
    signal,
  );
}
