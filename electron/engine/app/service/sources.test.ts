// Set-up from the UI (issue 17, item 4): database sources through the service, and the folder browser.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CairnApi } from '../../../../shared/contract';
import { tempDir } from '../../../../test/helpers/tmp';
import { writeTree } from '../../../../test/helpers/tree';
import { getPlan } from '../../catalog/plans';
import { serviceKit, value } from '../../../../test/helpers/service';

const kit = serviceKit();

const setup = () => kit({ 'a.txt': 'alpha' });

function sqliteFile(dir: string, name = 'app.sqlite'): string {
  const file = path.join(dir, name);
  const d = new Database(file);
  d.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hi');");
  d.close();
  return file;
}

describe('database sources through the service', () => {
  it('adds a SQLite file, test-restores it from the newest backup, reports a damaged dump, and removes it', async () => {
    const { root, src, dest, db, service, api } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    const file = sqliteFile(root);
    const added = value(await api.dbSourceAdd({ plan: 'home', kind: 'sqlite', file }));
    expect(added).toMatchObject({
      connection: null,
      source: { label: 'app', kind: 'sqlite', location: file },
    });
    expect(await api.dbSourceAdd({ plan: 'home', kind: 'sqlite', file })).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/already has a source named "app"/) },
    });

    // Nothing to restore yet: said for the source, not passed.
    const early = value(await api.dbSourceTest({ plan: 'home', label: 'app' }));
    expect(early).toMatchObject({ exitCode: 1, results: [{ label: 'app', ok: false, stamp: null }] });
    expect(early.results[0]!.detail).toBe('there is no backup yet');

    const stamp = (await service.runs.request('home', { actor: 'test' }).done).backup!.stamp;
    const good = value(await api.dbSourceTest({ plan: 'home', label: 'app' }));
    expect(good).toMatchObject({ exitCode: 0, results: [{ label: 'app', ok: true, stamp }] });
    expect(good.results[0]!.detail).toMatch(/^integrity_check ok on a scratch copy \(1 table\(s\)/);
    const [view] = value(await api.dbSourceList({ plan: 'home' }));
    expect(view!.lastRestoreTest).toMatchObject({ ok: true, stamp });

    // The snapshot in the backup changed on disk: the test restore fails and says why.
    const snap = path.join(dest, 'home', stamp, 'app', 'app.sqlite');
    fs.chmodSync(snap, 0o600);
    fs.writeFileSync(snap, 'not a database');
    const bad = value(await api.dbSourceTest({ plan: 'home' }));
    expect(bad).toMatchObject({ exitCode: 1, results: [{ label: 'app', ok: false }] });
    expect(bad.results[0]!.detail).toMatch(/SHA-256|changed|manifest/i);

    // Read as a "test-restore" job (a prune meanwhile keeps the backup): not beside an import of the plan.
    const importing = service.ctx.jobs.begin('import', getPlan(db, 'home'), 'test');
    expect(await api.dbSourceTest({ plan: 'home' })).toMatchObject({
      ok: false,
      error: {
        code: 'locked',
        message: expect.stringMatching(/^An import of home is running.*a test restore waits/),
      },
    });
    importing.end();

    expect(await api.dbSourceTest({ plan: 'home', label: 'shop' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringMatching(/no database source "shop"; it has: app/) },
    });
    expect(value(await api.dbSourceRemove({ plan: 'home', label: 'app' }))).toEqual({ removed: 'app' });
    expect(value(await api.dbSourceList({ plan: 'home' }))).toEqual([]);
    expect(await api.dbSourceTest({ plan: 'home' })).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'Plan home has no database source to test yet.' },
    });
    expect(await api.dbSourceRemove({ plan: 'home', label: 'app' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses a file that is not a SQLite database, and a relative path', async () => {
    const { root, src, dest, api } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    const text = path.join(root, 'notes.db');
    fs.writeFileSync(text, 'plain text');
    const r = await api.dbSourceAdd({ plan: 'home', kind: 'sqlite', file: text });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.message).toMatch(/SQLite/);
    expect(await api.dbSourceAdd({ plan: 'home', kind: 'sqlite', file: 'app.sqlite' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(value(await api.dbSourceList({ plan: 'home' }))).toEqual([]);
  });

  it('builds a PostgreSQL URL from its fields, keeps the password out of the catalog, and says when the server does not answer', async () => {
    const { src, dest, db, api, secrets } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    expect(await api.dbSourceAdd({ plan: 'home', kind: 'postgres', host: 'db.local' })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: 'A PostgreSQL source needs its database, user.' },
    });
    expect(
      await api.dbSourceAdd({
        plan: 'home',
        kind: 'postgres',
        url: 'postgresql://a@h/x',
        host: 'h',
      }),
    ).toMatchObject({ ok: false, error: { code: 'usage' } });
    const password = 'pw-that-must-not-leak-7f3a';
    // Port 1 on loopback: nothing listens, so the server "does not answer" (the source is kept anyway).
    const r = value(
      await api.dbSourceAdd({
        plan: 'home',
        kind: 'postgres',
        host: '127.0.0.1',
        port: 1,
        database: 'shop floor',
        user: 'ana',
        password,
      }),
    );
    expect(r.source).toMatchObject({
      label: 'shop floor',
      location: 'postgresql://ana@127.0.0.1:1/shop%20floor',
      format: 'custom',
    });
    expect(r.connection).toMatch(/^The PostgreSQL server at 127\.0\.0\.1:1 is not answering/);
    expect(await secrets.get(`dbsource.${r.source.id}.password`)).toBe(password);
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of fs.readdirSync(path.dirname(db.name)))
      if (f.startsWith('catalog'))
        expect(fs.readFileSync(path.join(path.dirname(db.name), f)).includes(password)).toBe(false);
    // A connection string carries its password to the secret store too.
    const u = value(
      await api.dbSourceAdd({
        plan: 'home',
        kind: 'postgres',
        url: `postgresql://bo:${password}x@127.0.0.1:1/books`,
        format: 'sql.gz',
      }),
    );
    expect(u.source.location).toBe('postgresql://bo@127.0.0.1:1/books');
    expect(await secrets.get(`dbsource.${u.source.id}.password`)).toBe(`${password}x`);
  });
});

// Permissions bind a user, not root: as root the listing runs in a child process as "nobody" (the same
// function, bundled by esbuild), so the folder is as unreadable to it as to a person's own Cairn.
const NOBODY = 65534;
async function browseAsUser(api: CairnApi, dir: string): Promise<unknown> {
  if (process.getuid?.() !== 0) return api.folderBrowse({ path: dir });
  const out = tempDir();
  fs.chmodSync(out, 0o755);
  fs.chmodSync(path.dirname(dir), 0o755);
  const bundle = path.join(out, 'browse.mjs');
  await build({
    entryPoints: [path.join(__dirname, 'folderBrowse.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: bundle,
  });
  const code = `import { browseFolders } from ${JSON.stringify(bundle)};
    try { console.log(JSON.stringify({ ok: true, value: browseFolders({ path: process.argv[1] }) })); }
    catch (e) { console.log(JSON.stringify({ ok: false, error: { code: e.code, message: e.message } })); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, dir], {
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
  });
  return JSON.parse(r.stdout) as unknown;
}

describe('the folder browser', () => {
  it('lists only folders by name, with the parent, home and roots; hidden ones on request', async () => {
    const { api } = setup();
    const dir = tempDir();
    writeTree(dir, {
      'b/x.txt': 'x',
      'A/y.txt': 'y',
      '.hidden/z': 'z',
      'file.txt': 'f',
      'c10/k': '',
      'c9/k': '',
    });
    fs.symlinkSync(path.join(dir, 'b'), path.join(dir, 'link-to-b'));
    fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'broken'));
    const r = value(await api.folderBrowse({ path: dir + '/' }));
    expect(r.path).toBe(dir);
    expect(r.parent).toBe(path.dirname(dir));
    expect(r.home).toBe(os.homedir());
    expect(r.roots).toEqual(['/']);
    expect(r.truncated).toBe(false);
    expect(r.folders.map((f) => f.name)).toEqual(['A', 'b', 'c9', 'c10', 'link-to-b']);
    expect(r.folders[0]).toEqual({ name: 'A', path: path.join(dir, 'A') });
    const all = value(await api.folderBrowse({ path: dir, hidden: true }));
    expect(all.folders.map((f) => f.name)).toContain('.hidden');
    expect(value(await api.folderBrowse({ path: '/' })).parent).toBeNull();
    expect(value(await api.folderBrowse({})).path).toBe(os.homedir());
  });

  it('says in a sentence when a folder is not there, is a file, or may not be read', async () => {
    const { api } = setup();
    const dir = tempDir();
    writeTree(dir, { 'file.txt': 'f', 'locked/inner/k': '' });
    expect(await api.folderBrowse({ path: path.join(dir, 'nope') })).toEqual({
      ok: false,
      error: { code: 'not-found', message: `The folder ${path.join(dir, 'nope')} is not there.` },
    });
    expect(await api.folderBrowse({ path: path.join(dir, 'file.txt') })).toMatchObject({
      ok: false,
      error: { code: 'usage', message: `${path.join(dir, 'file.txt')} is a file, not a folder.` },
    });
    expect(await api.folderBrowse({ path: 'relative/path' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    const locked = path.join(dir, 'locked');
    fs.chmodSync(locked, 0o000);
    try {
      expect(await browseAsUser(api, locked)).toEqual({
        ok: false,
        error: {
          code: 'io',
          message: `Cairn may not read the folder ${locked} (permission denied); choose another.`,
        },
      });
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  });
});
