import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { addDbSource } from '../electron/engine/dbsource/ops';
import { restoreDatabase } from '../electron/engine/restore/database';
import { testDatabaseRestores } from '../electron/engine/dbsource/restoreTest';
import { integrityProblems } from '../electron/engine/dbsource/sqliteSnap';
import { dbSourceViews } from '../electron/engine/dbsource/store';
import { restoreBackup } from '../electron/engine/restore/restore';
import { makeRig, type Rig } from './helpers/engine';
import { tempDir } from './helpers/tmp';

let rig: Rig;
let appDb: string;
let writer: ChildProcess | null = null;

/** Another process writing to the database in WAL mode: a row and its counter per transaction. */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
const ins = db.prepare('INSERT INTO items (payload) VALUES (?)');
const bump = db.prepare('UPDATE counter SET n = n + 1');
const tx = db.transaction(() => { ins.run('x'.repeat(200) + Math.random()); bump.run(); });
process.stdout.write('ready\\n');
for (;;) tx();
`;

function startWriter(file: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', WRITER, file], {
    cwd: path.resolve(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => p.stdout!.once('data', () => resolve(p)));
}

function stopWriter(): Promise<void> {
  const p = writer;
  writer = null;
  if (!p || p.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('close', () => resolve());
    p.kill('SIGKILL');
  });
}

afterEach(stopWriter);

beforeAll(async () => {
  rig = makeRig();
  fs.writeFileSync(path.join(rig.src, 'a.txt'), 'a\n');
  const appDir = tempDir('cairn-app-');
  appDb = path.join(appDir, 'app.sqlite');
  const d = new Database(appDb);
  d.pragma('journal_mode = WAL');
  d.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);
          CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);`);
  d.close();
  await addDbSource(
    rig.db,
    rig.plan,
    { kind: 'sqlite', location: appDb },
    new FileSecretStore(rig.dataDir),
    rig.clock.now,
    'test',
  );
});

function counts(file: string): { rows: number; n: number } {
  const d = new Database(file, { readonly: true });
  try {
    return {
      rows: d.prepare('SELECT count(*) FROM items').pluck().get() as number,
      n: d.prepare('SELECT n FROM counter').pluck().get() as number,
    };
  } finally {
    d.close();
  }
}

describe('SQLite source', () => {
  it('snapshots a database under concurrent WAL writes; the copy passes integrity_check and is consistent', async () => {
    writer = await startWriter(appDb);
    await new Promise((r) => setTimeout(r, 300));
    const out = await rig.backup();
    const live = counts(appDb).n;
    await stopWriter();
    expect(out.warnings).toEqual([]);
    const snap = path.join(rig.backupDir(out.backup.stamp), 'app', 'app.sqlite');
    const copy = path.join(tempDir(), 'check.sqlite');
    fs.copyFileSync(snap, copy); // checked on a copy: the backup folder is never written
    expect(integrityProblems(copy)).toBeNull();
    const c = counts(copy);
    expect(c.rows).toBe(c.n);
    expect(c.n).toBeGreaterThan(0);
    expect(c.n).toBeLessThanOrEqual(live);
    expect(fs.readdirSync(path.dirname(snap)).sort()).toEqual(['app.sqlite', 'cairn-database.json']);
    const v = dbSourceViews(rig.db, rig.plan.id)[0]!;
    expect(v.lastGoodDump?.file).toBe('app/app.sqlite');
    expect(v.lastGoodDump?.bytes).toBe(fs.statSync(snap).size);
  });

  it('restores to a new file, refuses an existing one without force, and saves it first with force', async () => {
    const out = await rig.backup();
    const want = counts(appDb);
    const dir = tempDir();
    const to = path.join(dir, 'restored.sqlite');
    const opts = {
      db: rig.db,
      plan: rig.plan,
      backup: out.backup,
      label: 'app',
      now: () => rig.clock.now,
      actor: 'test',
      secrets: new FileSecretStore(rig.dataDir),
    };
    await restoreDatabase({ ...opts, toFile: to });
    expect(counts(to)).toEqual(want);
    const d = new Database(to);
    d.prepare("INSERT INTO items (payload) VALUES ('local change')").run();
    d.close();
    await expect(restoreDatabase({ ...opts, toFile: to })).rejects.toThrow(/already exists.*--force/);
    expect(counts(to).rows).toBe(want.rows + 1);
    const r = await restoreDatabase({ ...opts, toFile: to, force: true });
    expect(counts(to)).toEqual(want);
    expect(integrityProblems(to)).toBeNull();
    expect(counts(r.savedBefore!).rows).toBe(want.rows + 1);
  });

  it('a test restore passes integrity_check, and a damaged snapshot fails it', async () => {
    const ok = await testDatabaseRestores(rig.db, {
      now: () => rig.clock.now,
      actor: 'test',
      secrets: new FileSecretStore(rig.dataDir),
    });
    expect(ok.exitCode).toBe(0);
    expect(ok.results[0]!.detail).toMatch(/integrity_check ok .*2 table/);
    const last = (await rig.backup()).backup;
    const snap = path.join(rig.backupDir(last.stamp), 'app', 'app.sqlite');
    fs.chmodSync(snap, 0o644);
    fs.truncateSync(snap, 4096);
    const bad = await testDatabaseRestores(rig.db, {
      now: () => rig.clock.now,
      actor: 'test',
      secrets: new FileSecretStore(rig.dataDir),
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.results[0]!.detail).toMatch(/SHA-256/);
    expect(dbSourceViews(rig.db, rig.plan.id)[0]!.lastRestoreTest?.ok).toBe(false);
  });

  it('an in-place restore of the whole backup puts the folders back and leaves the database alone', async () => {
    const b = (await rig.backup()).backup;
    fs.writeFileSync(path.join(rig.src, 'a.txt'), 'changed\n');
    const before = fs.readFileSync(appDb);
    const s = await restoreBackup({
      db: rig.db,
      plan: rig.plan,
      backup: b,
      inPlace: true,
      now: () => (rig.clock.now += 60_000),
      actor: 'test',
    });
    expect(s.failures).toEqual([]);
    expect(fs.readFileSync(path.join(rig.src, 'a.txt'), 'utf8')).toBe('a\n');
    expect(fs.readFileSync(appDb).equals(before)).toBe(true);
  });
});
