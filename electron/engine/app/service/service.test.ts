import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CairnEvent } from '../../../../shared/cairnEvents';
import { getPlan } from '../../catalog/plans';
import { addDbSource } from '../../dbsource/ops';
import { FileSecretStore } from '../../secrets/store';
import { serviceKit, value } from '../../../../test/helpers/service';

const kit = serviceKit();

function setup(files: Record<string, string | Buffer> = { 'a.txt': 'alpha', 'docs/b.txt': 'beta' }) {
  const { root, src, dest, db, service, api } = kit(files);
  const events: CairnEvent[] = [];
  service.bus.on((e) => events.push(e));
  return { root, src, dest, db, service, api, events };
}

function bigTree(n: number): Record<string, string | Buffer> {
  const t: Record<string, string | Buffer> = { 'big.bin': Buffer.alloc(24 << 20, 7) };
  for (let i = 0; i < n; i++) t[`d${i % 20}/f${i}.txt`] = `file ${i}\n`.repeat(20);
  return t;
}

describe('the service', () => {
  it('two simultaneous "run now" give one run and one backup', async () => {
    const { src, dest, api, events } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    const [a, b] = await Promise.all([api.runNow({ plan: 'home' }), api.runNow({ plan: 'home' })]);
    expect(value(a).alreadyRunning).toBe(false);
    expect(value(b).alreadyRunning).toBe(true);
    expect(value(b).run.runId).toBe(value(a).run.runId);
    await waitFor(() => events.some((e) => e.type === 'runFinished'));
    const finished = events.filter((e) => e.type === 'runFinished');
    expect(finished).toHaveLength(1);
    const list = value(await api.backupList({ plan: 'home' }));
    expect(list.total).toBe(1);
    expect(list.backups[0]!.files).toBe(2);
    expect(list.backups[0]!.onDrive).toBeNull(); // the plan does not use Drive
  });

  it('cancel mid-run leaves no backup, and the next run works', async () => {
    const { src, dest, service, api, events } = setup(bigTree(1500));
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    let cancelled = false;
    service.bus.on((e) => {
      if (!cancelled && e.type === 'runProgress' && e.data.phase === 'running' && e.data.files > 0) {
        cancelled = true;
        void api.runCancel({ plan: 'home' });
      }
    });
    value(await api.runNow({ plan: 'home' }));
    await waitFor(() => events.some((e) => e.type === 'runFinished'));
    const end = events.find((e) => e.type === 'runFinished')!;
    expect(end.data).toMatchObject({ outcome: 'cancelled', backup: null });
    expect(value(await api.backupList({ plan: 'home' })).total).toBe(0);
    const planDir = path.join(dest, 'home');
    expect(fs.readdirSync(planDir).filter((n) => n !== '.cairn')).toEqual([]);
    expect(fs.readdirSync(path.join(planDir, '.cairn', 'partial'))).toEqual([]);
    // A cancel is not a failure: the plan is not "failing".
    const st = value(await api.status({}));
    expect(st.plans[0]!.state).toBe('attention');
    expect(st.plans[0]!.reasons[0]).toMatch(/No backup/);

    const again = await service.runs.request('home', { actor: 'test' }).done;
    expect(again.outcome).toBe('complete');
    expect(again.backup!.files).toBe(1501);
    expect(value(await api.status({})).plans[0]!.state).toBe('healthy');
  });

  it('streams progress with files, bytes, rate and the current path', async () => {
    const { src, dest, service, api, events } = setup(bigTree(300));
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    await service.runs.request('home', { actor: 'test' }).done;
    const progress = events.filter((e) => e.type === 'runProgress').map((e) => e.data);
    expect(progress[0]!.phase).toBe('queued');
    const running = progress.filter((p) => p.phase === 'running' && p.files > 0);
    expect(running.length).toBeGreaterThan(0);
    expect(running.at(-1)!.currentPath).not.toBe('');
    // Once the walk is done the total is counted: a fraction, never a total below what is done.
    const last = running.at(-1)!;
    expect(last).toMatchObject({ counted: true, totalFiles: 301 });
    expect(last.totalBytes).toBeGreaterThanOrEqual(last.bytesDone);
    expect(last.fraction).not.toBeNull();
  });

  it('refuses bad input with a message, unknown methods, and says what is not available yet', async () => {
    const { service } = setup();
    const bad = await service.call('planCreate', { name: 'x y', dest: '/tmp', sources: [] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    if (!bad.ok) expect(bad.error.message).toMatch(/name|sources/);
    expect(await service.call('nope', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await service.call('planGet', { plan: 'none' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const r = await service.call('driveStatus', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('browses a backup folder by pages and finds every version of a file', async () => {
    const files: Record<string, string> = { 'notes/todo.txt': 'v1' };
    for (let i = 0; i < 25; i++) files[`many/f${String(i).padStart(2, '0')}.txt`] = `x${i}`;
    const { src, dest, service, api } = setup(files);
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    const first = await service.runs.request('home', { actor: 'test' }).done;
    fs.writeFileSync(path.join(src, 'notes/todo.txt'), 'version two');
    await new Promise((r) => setTimeout(r, 1100)); // a new stamp (one per second)
    const second = await service.runs.request('home', { actor: 'test' }).done;

    const label = path.basename(src);
    const top = value(await api.folderList({ plan: 'home', stamp: 'latest', path: '' }));
    expect(top.entries.map((e) => e.name)).toEqual([label]);
    const p1 = value(
      await api.folderList({ plan: 'home', stamp: 'latest', path: `${label}/many`, limit: 10 }),
    );
    expect(p1.total).toBe(25);
    expect(p1.entries.map((e) => e.name).slice(0, 2)).toEqual(['f00.txt', 'f01.txt']);
    expect(p1.nextOffset).toBe(10);
    const p3 = value(
      await api.folderList({ plan: 'home', stamp: 'latest', path: `${label}/many`, offset: 20, limit: 10 }),
    );
    expect(p3.entries).toHaveLength(5);
    expect(p3.nextOffset).toBeNull();

    const found = value(await api.search({ query: 'todo' }));
    expect(found.results).toHaveLength(1);
    const versions = found.results[0]!.versions;
    expect(versions.map((v) => v.size)).toEqual([2, 11]);
    expect(versions[0]).toMatchObject({
      firstStamp: first.backup!.stamp,
      lastStamp: first.backup!.stamp,
      backups: 1,
    });
    expect(versions[1]).toMatchObject({ firstStamp: second.backup!.stamp, lastStamp: second.backup!.stamp });

    const pinned = value(
      await api.backupPin({ plan: 'home', stamp: first.backup!.stamp, note: 'before upgrade' }),
    );
    expect(pinned).toMatchObject({ pinned: true, note: 'before upgrade' });
    const detail = value(await api.backupGet({ plan: 'home', stamp: first.backup!.stamp }));
    expect(fs.existsSync(path.join(detail.folder, label, 'notes/todo.txt'))).toBe(true);
  });

  it('says failing when a source disappears and waiting for the disk when the destination does', async () => {
    const { src, dest, service, api, events } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    await service.runs.request('home', { actor: 'test' }).done;
    expect(value(await api.status({})).overall).toBe('healthy');

    fs.renameSync(src, src + '.gone');
    const failed = await service.runs.request('home', { actor: 'test' }).done;
    expect(failed).toMatchObject({ outcome: 'failed', error: { code: 'source-missing' } });
    const s1 = value(await api.status({}));
    expect(s1.plans[0]!.state).toBe('failing');
    expect(s1.plans[0]!.reasons[0]).toMatch(/does not exist/);

    fs.renameSync(src + '.gone', src);
    fs.renameSync(dest, dest + '.unplugged');
    const away = await service.runs.request('home', { actor: 'test' }).done;
    expect(away.error?.code).toBe('dest-missing');
    expect(value(await api.status({})).plans[0]!.state).toBe('waiting-disk');
    fs.renameSync(dest + '.unplugged', dest);
    expect(events.filter((e) => e.type === 'runFinished')).toHaveLength(3);
  });

  it("lists a plan's database sources with the size and time of their last dump", async () => {
    const { root, src, dest, db, service, api } = setup();
    value(await api.planCreate({ name: 'home', dest, sources: [src] }));
    expect(value(await api.dbSourceList({ plan: 'home' }))).toEqual([]);
    const file = path.join(root, 'app.sqlite');
    const d = new Database(file);
    d.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello');",
    );
    d.close();
    const plan = getPlan(db, 'home');
    await addDbSource(
      db,
      plan,
      { kind: 'sqlite', location: file },
      new FileSecretStore(path.dirname(db.name)),
      Date.now(),
      'test',
    );
    const before = value(await api.dbSourceList({ plan: 'home' }));
    expect(before).toMatchObject([{ label: 'app', kind: 'sqlite', location: file, lastDump: null }]);

    const done = await service.runs.request('home', { actor: 'test' }).done;
    const stamp = done.backup!.stamp;
    const [v] = value(await api.dbSourceList({ plan: 'home' }));
    const copy = path.join(dest, 'home', stamp, 'app', 'app.sqlite');
    expect(v!.lastDump).toMatchObject({ stamp, ok: true, file: 'app/app.sqlite', message: null });
    expect(v!.lastDump!.bytes).toBe(fs.statSync(copy).size);
    expect(v!.lastDump!.bytes).toBeGreaterThan(0);
    expect(v!.lastGoodDump).toEqual(v!.lastDump);
    expect(v!.lastRestoreTest).toBeNull();
    expect(await api.dbSourceList({ plan: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('previews what the excludes leave out, and keeps settings', async () => {
    const { src, api } = setup({ 'keep.txt': '12345', 'cache/x.bin': '1234567890', 'y.tmp': 'abc' });
    const pv = value(await api.sourcePreview({ sources: [src], excludes: ['cache/', '*.tmp'] }));
    expect(pv).toMatchObject({ files: 1, bytes: 5, excludedFiles: 2, excludedBytes: 13, complete: true });
    expect(pv.excluded.map((e) => [path.basename(e.path), e.pattern]).sort()).toEqual([
      ['cache', 'cache/'],
      ['y.tmp', '*.tmp'],
    ]);

    const s = value(await api.settingsSet({ timezone: 'America/New_York', watch: { autoBackup: true } }));
    expect(s.timezone).toBe('America/New_York');
    expect(s.watch).toMatchObject({ autoBackup: true, enabled: true });
    expect(value(await api.settingsGet({})).timezone).toBe('America/New_York');
    expect(await api.settingsSet({ timezone: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      error: { code: 'usage' },
    });
    const d = value(await api.scheduleDescribe({ schedule: '0 2 * * *', count: 2 }));
    expect(d).toMatchObject({ valid: true, text: 'At 02:00', timezone: 'America/New_York' });
    expect(d.nextRuns).toHaveLength(2);
    const log = value(await api.activityList({ kind: 'settings' }));
    expect(log.entries[0]!.message).toBe('Settings changed');
  });
});

async function waitFor(cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
