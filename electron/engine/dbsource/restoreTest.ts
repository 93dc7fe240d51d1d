import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { logActivity } from '../catalog/activity';
import { latestGoodBackup, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import { listPlans, type Plan } from '../catalog/plans';
import type { SecretStore } from '../secrets/store';
import { describeError } from '../errors';
import { checkedDump, type DumpInBackup } from './dumpIn';
import { countTables, createDatabase, dropDatabase, listDump, restoreDump } from './pgAdmin';
import { withDatabase, type PgConn } from './pgTools';
import { integrityProblems } from './sqliteSnap';
import { listDbSources, passwordKey, recordRestoreTest, type DbSource } from './store';

export interface DbTestResult {
  planName: string;
  stamp: string | null;
  label: string;
  kind: DbSource['kind'];
  ok: boolean;
  detail: string;
  durationMs: number;
}

export interface DbTestRun {
  results: DbTestResult[];
  /** 0 every test restore passed, 1 one failed, 2 nothing to test (DESIGN.md section 9, as verify). */
  exitCode: number;
}

/**
 * The weekly drill of the runbooks: restores each database source of the newest good backup (of one plan,
 * or of every plan) into a scratch database or file, checks it, removes it, and records the result.
 */
export async function testDatabaseRestores(
  db: Db,
  o: {
    planId?: number;
    /** Only the source with this label (of the plan `planId`). */
    label?: string;
    backup?: BackupRecord;
    secrets: SecretStore;
    now: () => number;
    actor: string;
    tmpDir?: string;
    /** Admits the reading of a plan's backup as a "test-restore" job: a prune meanwhile keeps it (app/jobs.ts). */
    admit?: (kind: 'test-restore', plan: Plan, stamp: string) => () => void;
  },
): Promise<DbTestRun> {
  const results: DbTestResult[] = [];
  for (const plan of listPlans(db).filter((p) => o.planId === undefined || p.id === o.planId)) {
    const sources = listDbSources(db, plan.id).filter((s) => o.label === undefined || s.label === o.label);
    if (sources.length === 0) continue;
    const backup = o.backup && o.backup.planId === plan.id ? o.backup : latestGoodBackup(db, plan.id);
    const end = backup ? o.admit?.('test-restore', plan, backup.stamp) : undefined;
    try {
      results.push(...(await testPlan(db, plan, backup ?? null, sources, o)));
    } finally {
      end?.();
    }
  }
  const exitCode = results.length === 0 ? 2 : results.every((r) => r.ok) ? 0 : 1;
  return { results, exitCode };
}

/** Test-restores the sources of one plan from `backup` (each result recorded as it comes). */
async function testPlan(
  db: Db,
  plan: Plan,
  backup: BackupRecord | null,
  sources: DbSource[],
  o: { secrets: SecretStore; now: () => number; actor: string; tmpDir?: string },
): Promise<DbTestResult[]> {
  const secrets = o.secrets;
  const results: DbTestResult[] = [];
  for (const s of sources) {
    const t0 = performance.now();
    let ok = false;
    let detail: string;
    if (!backup) detail = 'there is no backup yet';
    else
      try {
        const dump = await checkedDump(plan, backup, s.label);
        detail = s.kind === 'postgres' ? await testPostgres(s, dump, secrets) : testSqlite(dump, o.tmpDir);
        ok = true;
      } catch (e) {
        detail = describeError(e);
      }
    const r: DbTestResult = {
      planName: plan.name,
      stamp: backup?.stamp ?? null,
      label: s.label,
      kind: s.kind,
      ok,
      detail,
      durationMs: performance.now() - t0,
    };
    results.push(r);
    record(db, plan, backup, s, r, o);
  }
  return results;
}

function record(
  db: Db,
  plan: Plan,
  backup: BackupRecord | null,
  s: DbSource,
  r: DbTestResult,
  o: { now: () => number; actor: string },
): void {
  const at = o.now();
  recordRestoreTest(db, s.id, backup?.id ?? null, {
    stamp: r.stamp ?? '',
    at,
    ok: r.ok,
    detail: r.detail,
    durationMs: r.durationMs,
  });
  logActivity(db, {
    at,
    planId: plan.id,
    backupId: backup?.id ?? null,
    kind: 'verify',
    level: r.ok ? 'info' : 'error',
    actor: o.actor,
    message: `Test restore of database ${s.label} from ${plan.name}/${r.stamp ?? '(none)'}: ${r.ok ? 'passed' : 'FAILED'}: ${r.detail}`,
  });
}

async function testPostgres(s: DbSource, dump: DumpInBackup, secrets: SecretStore): Promise<string> {
  const conn: PgConn = { url: s.location, password: await secrets.get(passwordKey(s)) };
  const custom = dump.info.format !== 'sql.gz';
  const entries = custom ? await listDump(conn, dump.file) : null;
  const scratch = `cairn_restore_test_${randomBytes(6).toString('hex')}`;
  await createDatabase(conn, scratch);
  try {
    const target = { ...conn, url: withDatabase(conn.url, scratch) };
    await restoreDump(target, dump.file, custom ? 'custom' : 'sql.gz', { noOwner: true });
    const tables = await countTables(target);
    return (
      `restored into a scratch database (${tables} table(s)` +
      (entries !== null ? `, ${entries} dump entries` : '') +
      `, ${dump.size} bytes), then dropped it`
    );
  } finally {
    await dropDatabase(conn, scratch).catch(() => undefined);
  }
}

function testSqlite(dump: DumpInBackup, tmpDir?: string): string {
  const dir = fs.mkdtempSync(path.join(tmpDir ?? os.tmpdir(), 'cairn-db-test-'));
  try {
    const copy = path.join(dir, 'test.sqlite');
    fs.copyFileSync(dump.file, copy);
    const bad = integrityProblems(copy);
    if (bad) throw new Error(`the snapshot fails SQLite's integrity check: ${bad}`);
    const d = new Database(copy, { readonly: true });
    try {
      const n = d.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get() as number;
      return `integrity_check ok on a scratch copy (${n} table(s), ${dump.size} bytes)`;
    } finally {
      d.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
