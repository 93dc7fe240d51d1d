import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../electron/engine/catalog/plans';
import { updatePlan } from '../electron/engine/catalog/plans';
import type { ImportedPlan } from '../electron/engine/backup/importDest';
import { cairn, cairnJson } from './helpers/cli';
import { planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

describe('cairn import', () => {
  it('gives back the same list after the data folder is lost; verify and restore work as before', async () => {
    const k = planKit();
    updatePlan(
      k.db,
      'home',
      { keepDaily: 5, keepWithinHours: 6, keepNotedDays: 45, excludes: ['*.log'] },
      Date.now(),
    );
    k.db.close();
    const run = (args: string[]) => cairn(args, { dataDir: k.dataDir });
    writeTree(k.source, {
      'a.txt': 'one',
      'sub/b.txt': 'bee',
      'sub/l': { symlink: 'b.txt' },
      'x.log': 'left out',
    });
    expect(run(['backup', 'home', '--note', 'first one']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100)); // one stamp per second
    writeTree(k.source, { 'a.txt': 'two', 'c.txt': 'sea' });
    expect(run(['backup', 'home']).code).toBe(0);
    const middle = path.join(tempDir(), 'middle');
    fs.cpSync(k.source, middle, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    const stamps = cairnJson<{ stamp: string }[]>(['list'], { dataDir: k.dataDir }).value.map((b) => b.stamp);
    const pin = run(['pin', `home/${stamps[0]}`, '--note', 'before upgrade']);
    expect(pin.stderr).toBe('');
    await new Promise((r) => setTimeout(r, 1100));
    fs.rmSync(path.join(k.source, 'sub'), { recursive: true });
    expect(run(['backup', 'home']).code).toBe(0);

    const listBefore = run(['list']).stdout;
    const all = cairnJson<{ stamp: string }[]>(['list'], { dataDir: k.dataDir }).value.map((b) => b.stamp);
    const planBefore = cairnJson<Plan>(['plan', 'show', 'home'], { dataDir: k.dataDir }).value;
    expect(listBefore.trimEnd().split('\n')).toHaveLength(4); // header and three backups

    fs.rmSync(k.dataDir, { recursive: true });
    const imp = cairnJson<ImportedPlan[]>(['import', k.dest], { dataDir: k.dataDir });
    expect(imp.code).toBe(0);
    expect(imp.value).toEqual([expect.objectContaining({ planName: 'home', created: true, skipped: [] })]);
    expect(imp.value[0]!.imported).toEqual([...all].reverse());
    expect(run(['list']).stdout).toBe(listBefore);
    // The backup made by hand with a note is still one: retention keeps it for its note.
    const reasons = cairnJson<{ items: { backup: { note: string | null }; reasons: string[] }[] }>(
      ['prune', 'home', '--dry-run'],
      { dataDir: k.dataDir },
    ).value.items.find((i) => i.backup.note === 'first one')!.reasons;
    expect(reasons.join('; ')).toMatch(
      /made by hand with a note, kept 45 days \(through [\d-]+\): first one/,
    );
    const planAfter = cairnJson<Plan>(['plan', 'show', 'home'], { dataDir: k.dataDir }).value;
    for (const key of [
      'dest',
      'schedule',
      'keepDaily',
      'keepWeekly',
      'keepMonthly',
      'keepWithinHours',
      'keepNotedDays',
      'sources',
      'excludes',
    ] as const)
      expect(planAfter[key]).toEqual(planBefore[key]);

    expect(run(['verify', '--all']).code).toBe(0);
    const to = tempDir('cairn-to-');
    const r = run(['restore', `home/${stamps[0]}`, '--to', to]);
    expect(r.code).toBe(0);
    expect(diffTrees(middle, path.join(to, 'src'), { ignore: ['x.log'] })).toEqual([]);

    // Importing again (naming the plan's own folder this time) finds nothing new.
    const again = cairnJson<ImportedPlan[]>(['import', path.join(k.dest, 'home')], { dataDir: k.dataDir });
    expect(again.value[0]!.imported).toEqual([]);
    expect(run(['list']).stdout).toBe(listBefore);
  });

  it('brings back database sources (without passwords) and their dumps restore', () => {
    const k = planKit();
    k.db.close();
    const run = (args: string[]) => cairn(args, { dataDir: k.dataDir });
    writeTree(k.source, { 'a.txt': 'one' });
    const appDb = path.join(tempDir('cairn-app-'), 'notes.sqlite');
    const d = new Database(appDb);
    d.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('kept');");
    d.close();
    expect(run(['dbsource', 'add', 'home', '--sqlite', appDb, '--format', 'vacuum']).code).toBe(0);
    // A PostgreSQL source whose server is not running: its dump fails (a warning), its settings still travel.
    const pg = run(['dbsource', 'add', 'home', '--postgres', 'postgresql://me@127.0.0.1:9/shop']);
    expect(pg.code).toBe(0);
    const first = run(['backup', 'home']);
    expect(first.code).toBe(1);
    expect(first.stderr + first.stdout).toMatch(/shop/);
    const before = cairnJson<unknown[]>(['dbsource', 'list', 'home'], { dataDir: k.dataDir }).value;
    const stamp = cairnJson<{ stamp: string }[]>(['list'], { dataDir: k.dataDir }).value[0]!.stamp;

    fs.rmSync(k.dataDir, { recursive: true });
    const imp = cairnJson<ImportedPlan[]>(['import', k.dest], { dataDir: k.dataDir });
    expect(imp.value[0]!.notes).toEqual([expect.stringMatching(/shop came back without their passwords/)]);
    const pick = (v: unknown[]) =>
      (v as { label: string; kind: string; location: string; format: string }[]).map(
        ({ label, kind, location, format }) => ({ label, kind, location, format }),
      );
    const after = cairnJson<unknown[]>(['dbsource', 'list', 'home'], { dataDir: k.dataDir }).value;
    expect(pick(after)).toEqual(pick(before));
    const out = path.join(tempDir(), 'back.sqlite');
    const r = run(['dbsource', 'restore', `home/${stamp}`, 'notes', '--to-file', out]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const back = new Database(out, { readonly: true });
    expect(back.prepare('SELECT t FROM notes').pluck().all()).toEqual(['kept']);
    back.close();
  });

  it('says so when a folder holds no backups', () => {
    const r = cairn(['import', tempDir()], { dataDir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds no Cairn backups/);
  });
});
