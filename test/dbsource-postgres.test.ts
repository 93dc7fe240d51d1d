import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../electron/engine/catalog/backups';
import { listActivity } from '../electron/engine/catalog/activity';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { addDbSource, setDbPassword } from '../electron/engine/dbsource/ops';
import { listDump } from '../electron/engine/dbsource/pgAdmin';
import { restoreDatabase } from '../electron/engine/restore/database';
import { testDatabaseRestores } from '../electron/engine/dbsource/restoreTest';
import { dbSourceViews, passwordKey } from '../electron/engine/dbsource/store';
import { openCatalog } from '../electron/engine/catalog/db';
import { CairnService } from '../electron/engine/app/service/service';
import { CLI, cairn, cairnJson } from './helpers/cli';
import { makeRig, type Rig } from './helpers/engine';
import { startPostgres, type PgCluster } from './helpers/postgres';
import { tempDir } from './helpers/tmp';

let pg: PgCluster;
let rig: Rig;
let secrets: FileSecretStore;

const CHECKSUM =
  "SELECT count(*) || ' ' || coalesce(md5(string_agg(id || ':' || payload, ',' ORDER BY id)), '-') FROM items";

beforeAll(async () => {
  pg = await startPostgres();
  pg.sql('postgres', 'CREATE DATABASE shop');
  pg.sql(
    'shop',
    `CREATE TABLE items (id bigserial PRIMARY KEY, payload text NOT NULL);
     CREATE TABLE counter (n bigint NOT NULL);
     INSERT INTO items (payload) SELECT md5(g::text) FROM generate_series(1, 20000) g;
     INSERT INTO counter VALUES (20000);`,
  );
  rig = makeRig();
  fs.writeFileSync(path.join(rig.src, 'notes.txt'), 'file sources still back up\n');
  secrets = new FileSecretStore(rig.dataDir);
});

afterAll(() => pg?.stop());

/** A writer process: psql committing one row and the counter together, over and over, until stopped. */
function startWriter(): { stop(): Promise<void> } {
  const p = pg.spawnPsql('shop');
  let on = true;
  const tx =
    'BEGIN; INSERT INTO items (payload) VALUES (md5(random()::text)); UPDATE counter SET n = n + 1; COMMIT;\n';
  const pump = () => {
    while (on && p.stdin!.write(tx.repeat(20)));
    if (on) p.stdin!.once('drain', pump);
  };
  pump();
  return {
    stop: () =>
      new Promise((resolve) => {
        on = false;
        p.once('close', () => resolve());
        p.stdin!.end();
      }),
  };
}

describe('PostgreSQL source', () => {
  it('a wrong password is a clear warning, and the file sources are still backed up', async () => {
    await addDbSource(
      rig.db,
      rig.plan,
      { kind: 'postgres', location: pg.url('shop').replace('cairn@', 'cairn:wrong-one@') },
      secrets,
      rig.clock.now,
      'test',
    );
    // The password left the URL for the secret store.
    expect(JSON.stringify(rig.db.prepare('SELECT * FROM db_sources').all())).not.toContain('wrong-one');
    const out = await rig.backup();
    expect(out.backup.status).toBe('warnings');
    const w = out.warnings.find((x) => x.path === 'shop');
    expect(w?.message).toMatch(/refused the password of cairn/);
    expect(w?.message).toMatch(/cairn dbsource password/);
    expect(w?.message).not.toContain('wrong-one');
    expect(fs.readFileSync(path.join(rig.backupDir(out.backup.stamp), 'src', 'notes.txt'), 'utf8')).toBe(
      'file sources still back up\n',
    );
    expect(fs.existsSync(path.join(rig.backupDir(out.backup.stamp), 'shop'))).toBe(false);
    expect(dbSourceViews(rig.db, rig.plan.id)[0]!.lastDump?.ok).toBe(false);
  });

  it('dumps a database under concurrent inserts consistently and restores it into a new database', async () => {
    await setDbPassword(rig.db, rig.plan, 'shop', pg.password, secrets, rig.clock.now, 'test');
    const writer = startWriter();
    await new Promise((r) => setTimeout(r, 300));
    const before = Number(pg.sql('shop', 'SELECT n FROM counter'));
    const out = await rig.backup();
    const after = Number(pg.sql('shop', 'SELECT n FROM counter'));
    await writer.stop();
    expect(out.warnings).toEqual([]);
    expect(out.backup.status).toBe('complete');
    expect(after).toBeGreaterThan(before); // the writer really wrote while the dump ran
    const dump = path.join(rig.backupDir(out.backup.stamp), 'shop', 'shop.dump');
    expect(fs.statSync(dump).size).toBeGreaterThan(1000);

    const r = await restoreDatabase({
      db: rig.db,
      plan: rig.plan,
      backup: out.backup,
      label: 'shop',
      toDatabase: 'shop_restored',
      now: () => rig.clock.now,
      actor: 'test',
      secrets,
    });
    expect(r.target).toBe('database shop_restored');
    // One snapshot: every committed row and its counter update, no half of a transaction.
    const n = Number(pg.sql('shop_restored', 'SELECT n FROM counter'));
    expect(Number(pg.sql('shop_restored', 'SELECT count(*) FROM items'))).toBe(n);
    expect(Number(pg.sql('shop_restored', 'SELECT max(id) FROM items'))).toBe(n);
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(after);
    // The restored rows are those of the source up to that point, byte for byte.
    expect(pg.sql('shop_restored', CHECKSUM)).toBe(
      pg.sql('shop', CHECKSUM.replace('FROM items', `FROM items WHERE id <= ${n}`)),
    );
  });

  it('restores a quiet database with equal row counts and checksums; never over an existing one without force', async () => {
    const out = await rig.backup();
    await restoreDatabase({
      db: rig.db,
      plan: rig.plan,
      backup: out.backup,
      label: 'shop',
      toDatabase: 'shop_copy',
      now: () => rig.clock.now,
      actor: 'test',
      secrets,
    });
    expect(pg.sql('shop_copy', CHECKSUM)).toBe(pg.sql('shop', CHECKSUM));
    pg.sql('shop_copy', "INSERT INTO items (payload) VALUES ('only in the copy')");
    const again = () =>
      restoreDatabase({
        db: rig.db,
        plan: rig.plan,
        backup: out.backup,
        label: 'shop',
        toDatabase: 'shop_copy',
        now: () => rig.clock.now,
        actor: 'test',
        secrets,
      });
    await expect(again()).rejects.toThrow(/already exists.*--force/);
    expect(pg.sql('shop_copy', "SELECT count(*) FROM items WHERE payload = 'only in the copy'")).toBe('1');
    const forced = await restoreDatabase({
      db: rig.db,
      plan: rig.plan,
      backup: out.backup,
      label: 'shop',
      toDatabase: 'shop_copy',
      force: true,
      now: () => rig.clock.now,
      actor: 'test',
      secrets,
    });
    expect(pg.sql('shop_copy', CHECKSUM)).toBe(pg.sql('shop', CHECKSUM));
    expect(fs.statSync(forced.savedBefore!).size).toBeGreaterThan(0);
  });

  it('a test restore records success, and detects a damaged dump', async () => {
    const good = await testDatabaseRestores(rig.db, { now: () => rig.clock.now, actor: 'test', secrets });
    expect(good.exitCode).toBe(0);
    expect(good.results).toHaveLength(1);
    expect(good.results[0]!.detail).toMatch(/restored into a scratch database \(2 table/);
    expect(dbSourceViews(rig.db, rig.plan.id)[0]!.lastRestoreTest?.ok).toBe(true);
    expect(
      pg.sql('postgres', "SELECT count(*) FROM pg_database WHERE datname LIKE 'cairn_restore_test_%'"),
    ).toBe('0');

    const latest = listBackups(rig.db, { planId: rig.plan.id })[0]!;
    const dump = path.join(rig.backupDir(latest.stamp), 'shop', 'shop.dump');
    const fd = fs.openSync(dump, 'r+');
    fs.writeSync(fd, Buffer.from('XXXX'), 0, 4, Math.floor(fs.fstatSync(fd).size / 2));
    fs.closeSync(fd);
    const bad = await testDatabaseRestores(rig.db, { now: () => rig.clock.now, actor: 'test', secrets });
    expect(bad.exitCode).toBe(1);
    expect(bad.results[0]!.detail).toMatch(/does not match its SHA-256/);
    expect(dbSourceViews(rig.db, rig.plan.id)[0]!.lastRestoreTest?.ok).toBe(false);
    expect(listActivity(rig.db, { kind: 'verify' })[0]!.message).toMatch(/FAILED/);
  });
});

describe('PostgreSQL plain SQL format and damaged dumps', () => {
  it('dumps as gzipped SQL, restores it equal, and pg_restore refuses a truncated custom dump', async () => {
    const r2 = makeRig();
    const store = new FileSecretStore(r2.dataDir);
    await addDbSource(
      r2.db,
      r2.plan,
      { kind: 'postgres', location: pg.url('shop'), format: 'sql.gz', password: pg.password },
      store,
      r2.clock.now,
      'test',
    );
    const out = await r2.backup();
    expect(out.warnings).toEqual([]);
    const gz = path.join(r2.backupDir(out.backup.stamp), 'shop', 'shop.sql.gz');
    expect(fs.readFileSync(gz).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    await restoreDatabase({
      db: r2.db,
      plan: r2.plan,
      backup: out.backup,
      label: 'shop',
      toDatabase: 'shop_from_sql',
      now: () => r2.clock.now,
      actor: 'test',
      secrets: store,
    });
    expect(pg.sql('shop_from_sql', CHECKSUM)).toBe(pg.sql('shop', CHECKSUM));
    const t = await testDatabaseRestores(r2.db, {
      secrets: store,
      planId: r2.plan.id,
      now: () => r2.clock.now,
      actor: 'test',
    });
    expect(t.results.map((x) => x.ok)).toEqual([true]);

    // Below the checksum: a dump cut short is refused by pg_restore itself.
    const good = listBackups(rig.db, { planId: rig.plan.id }).find((b) => b.status !== 'failed')!;
    const dump = path.join(rig.backupDir(good.stamp), 'shop', 'shop.dump');
    const cut = path.join(tempDir(), 'cut.dump');
    fs.writeFileSync(cut, fs.readFileSync(dump).subarray(0, 200));
    const conn = { url: pg.url('shop'), password: pg.password };
    await expect(listDump(conn, cut)).rejects.toThrow(/pg_restore cannot read/);
  });
});

describe('cairn dbsource and verify --restore-test', () => {
  it('adds a database with --password-stdin, backs it up, shows it, test-restores and restores it', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'a');
    const o = { dataDir };
    expect(cairn(['plan', 'add', 'srv', '--source', src, '--dest', path.join(root, 'dest')], o).code).toBe(0);
    const add = spawnSync(
      process.execPath,
      [CLI, 'dbsource', 'add', 'srv', '--postgres', pg.url('shop'), '--label', 'shopdb', '--password-stdin'],
      { input: `${pg.password}\n`, encoding: 'utf8', env: { ...process.env, CAIRN_DATA_DIR: dataDir } },
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(fs.readFileSync(path.join(dataDir, 'catalog.sqlite')).includes(pg.password)).toBe(false);
    expect((fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toString(8)).toBe('600');

    const b = cairn(['backup', 'srv'], o);
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    expect(b.stdout).not.toContain(pg.password);
    const show = cairnJson<{ databases: { label: string; lastGoodDump: { bytes: number } | null }[] }>(
      ['plan', 'show', 'srv'],
      o,
    );
    expect(show.value.databases[0]!.label).toBe('shopdb');
    expect(show.value.databases[0]!.lastGoodDump!.bytes).toBeGreaterThan(1000);

    const v = cairnJson<{ databases: { ok: boolean }[] }>(['verify', '--restore-test'], o);
    expect(v.code).toBe(0);
    expect(v.value.databases).toEqual([expect.objectContaining({ label: 'shopdb', ok: true })]);
    const text = cairn(['plan', 'show', 'srv'], o).stdout;
    expect(text).toMatch(/database +shopdb: postgres/);
    expect(text).toMatch(/last test restore .*passed/);
    const list = cairn(['dbsource', 'list'], o).stdout;
    expect(list).toMatch(/srv +shopdb +postgres/);

    const r = cairn(['dbsource', 'restore', 'srv/latest', 'shopdb', '--to-database', 'shop_cli'], o);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(pg.sql('shop_cli', CHECKSUM)).toBe(pg.sql('shop', CHECKSUM));
    const again = cairn(['dbsource', 'restore', 'srv/latest', 'shopdb', '--to-database', 'shop_cli'], o);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('a server that is down and a missing pg_dump are warnings (exit 1), and the files are backed up', () => {
    const root = tempDir();
    const o = { dataDir: path.join(root, 'data') };
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'a');
    cairn(['plan', 'add', 'p', '--source', src, '--dest', path.join(root, 'dest')], o);
    const down = pg.url('shop').replace(`:${pg.port}/`, ':1/');
    const add = cairn(['dbsource', 'add', 'p', '--postgres', down], o);
    expect(add.code).toBe(0); // kept: the server may be down only for now
    expect(add.stderr).toMatch(/^warning: The PostgreSQL server at 127\.0\.0\.1:1 is not answering/);
    const b = cairn(['backup', 'p'], o);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(
      /shop: database not backed up: The PostgreSQL server at 127\.0\.0\.1:1 is not answering/,
    );
    const missing = cairn(['backup', 'p'], { ...o, env: { CAIRN_PG_BIN: path.join(root, 'nothing-here') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/pg_dump was not found; install the PostgreSQL client tools/);
    const l = cairnJson<{ files: number }[]>(['list', 'p'], o);
    expect(l.value).toHaveLength(2);
  });
});

describe('PostgreSQL source from the app (issue 17)', () => {
  it('adds a database by its fields with a password, dumps it, test-restores it now, and removes it', async () => {
    const root = tempDir();
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    const db = openCatalog(path.join(root, 'data'));
    const store = new FileSecretStore(path.join(root, 'data'));
    const service = new CairnService({ db, actor: 'test', secrets: store });
    const api = service.api();
    try {
      const plan = await api.planCreate({ name: 'app', dest: path.join(root, 'dest'), sources: [src] });
      expect(plan.ok).toBe(true);
      const fields = { host: '127.0.0.1', port: pg.port, database: 'shop', user: pg.user };
      const added = await api.dbSourceAdd({
        plan: 'app',
        kind: 'postgres',
        ...fields,
        password: pg.password,
      });
      expect(added).toMatchObject({
        ok: true,
        value: { connection: null, source: { label: 'shop', location: pg.url('shop') } },
      });
      const done = await service.runs.request('app', { actor: 'test' }).done;
      expect(done.backup?.status).toBe('complete');
      const t = await api.dbSourceTest({ plan: 'app', label: 'shop' });
      expect(t).toMatchObject({ ok: true, value: { exitCode: 0, results: [{ label: 'shop', ok: true }] } });
      if (t.ok)
        expect(t.value.results[0]!.detail).toMatch(/^restored into a scratch database \(2 table\(s\)/);
      expect(await api.dbSourceRemove({ plan: 'app', label: 'shop' })).toEqual({
        ok: true,
        value: { removed: 'shop' },
      });
      expect(await store.get(passwordKey({ id: added.ok ? added.value.source.id : -1 }))).toBeNull();
    } finally {
      db.close();
    }
  });
});
