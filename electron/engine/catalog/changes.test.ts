import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../test/helpers/engine';
import { buildYearCatalog } from '../../../test/bench/yearCatalog';
import { tempDir } from '../../../test/helpers/tmp';
import { writeTree } from '../../../test/helpers/tree';
import { deleteDeadVersions } from '../retention/prune';
import { changesInFolder, diffBackups, previousBackup, summarise, type Change } from './changes';
import type { Db } from './db';

let rig: Rig | null = null;
afterEach(() => {
  rig?.db.close();
  rig = null;
});

/** Path -> kind of change, sorted, for comparing with what a test did on disk. */
const what = (changes: Change[]) =>
  Object.fromEntries(changes.map((c) => [c.key, c.change]).sort(([a], [b]) => (a! < b! ? -1 : 1)));

/** Forgets a backup as prune does: its dead versions, then its row. */
function pruneOne(r: Rig, id: number): void {
  const remaining = (
    r.db
      .prepare('SELECT id FROM backups WHERE plan_id = ? AND id <> ?')
      .pluck()
      .all(r.plan.id, id) as number[]
  ).filter((x) => x !== id);
  r.db.transaction(() => {
    deleteDeadVersions(r.db, r.plan.id, remaining, [id]);
    r.db.prepare('DELETE FROM backups WHERE id = ?').run(id);
  })();
}

/** Sets a file's content and moves its mtime on, so the backup sees a new version even at the same size. */
function edit(file: string, content: string, at: number): void {
  fs.writeFileSync(file, content);
  fs.utimesSync(file, at / 1000, at / 1000);
}

describe('what changed between two backups', () => {
  it('lists added, changed and removed files with counts and bytes; a touched file is no change', async () => {
    rig = makeRig();
    const r = rig;
    writeTree(r.src, {
      'a.txt': 'alpha',
      'b.txt': 'beta beta',
      'same.txt': 'same',
      'sub/c.txt': 'gamma',
      'sub/deep/d.txt': 'delta',
      link: { symlink: 'a.txt' },
    });
    const first = (await r.backup()).backup;
    edit(path.join(r.src, 'a.txt'), 'ALPHA!', r.clock.now);
    edit(path.join(r.src, 'same.txt'), 'same', r.clock.now); // the same bytes, a new mtime
    fs.rmSync(path.join(r.src, 'b.txt'));
    fs.rmSync(path.join(r.src, 'link'));
    fs.symlinkSync('sub/c.txt', path.join(r.src, 'link'));
    writeTree(r.src, { 'sub/new.txt': 'brand new', 'fresh/x.txt': 'x' });
    const second = (await r.backup()).backup;

    expect(previousBackup(r.db, r.plan.id, second.id)?.id).toBe(first.id);
    expect(previousBackup(r.db, r.plan.id, first.id)).toBeUndefined();
    const changes = diffBackups(r.db, r.plan.id, second.id, first.id);
    expect(what(changes)).toEqual({
      'src/a.txt': 'changed',
      'src/b.txt': 'removed',
      'src/fresh': 'added',
      'src/fresh/x.txt': 'added',
      'src/link': 'changed',
      'src/sub/new.txt': 'added',
    });
    expect(summarise(changes)).toEqual({
      added: { count: 2, bytes: 'brand new'.length + 1 },
      changed: { count: 2, bytes: 'ALPHA!'.length + 'sub/c.txt'.length },
      removed: { count: 1, bytes: 'beta beta'.length },
    });

    // The first backup against nothing: everything it holds is added.
    const all = diffBackups(r.db, r.plan.id, first.id, null);
    expect(summarise(all).added.count).toBe(6);
    expect(summarise(all).removed.count + summarise(all).changed.count).toBe(0);

    // The tree: the source label, then its children that changed or hold changes.
    expect(changesInFolder(changes, '').map((x) => [x.name, x.change, x.below?.added.count])).toEqual([
      ['src', null, 2],
    ]);
    const top = changesInFolder(changes, 'src');
    expect(top.map((x) => [x.name, x.kind, x.change])).toEqual([
      ['a.txt', 'f', 'changed'],
      ['b.txt', 'f', 'removed'],
      ['fresh', 'd', 'added'],
      ['link', 'l', 'changed'],
      ['sub', 'd', null],
    ]);
    expect(top.find((x) => x.name === 'sub')!.below).toEqual({
      added: { count: 1, bytes: 9 },
      changed: { count: 0, bytes: 0 },
      removed: { count: 0, bytes: 0 },
    });
    expect(top.find((x) => x.name === 'a.txt')).toMatchObject({
      path: 'src/a.txt',
      before: { size: 5 },
      after: { size: 6 },
      below: null,
    });
    expect(changesInFolder(changes, 'src/sub').map((x) => x.name)).toEqual(['new.txt']);

    // Filters: by kind of change, and by a part of the name in any case.
    expect(changesInFolder(changes, 'src', { change: 'removed' }).map((x) => x.name)).toEqual(['b.txt']);
    expect(changesInFolder(changes, 'src', { change: 'added' }).map((x) => x.name)).toEqual(['fresh', 'sub']);
    expect(
      changesInFolder(changes, 'src', { query: 'NEW' }).map((x) => [x.name, x.below?.added.count]),
    ).toEqual([['sub', 1]]);
    expect(changesInFolder(changes, 'src', { change: 'changed', query: 'zzz' })).toEqual([]);
  });

  it('compares across a pruned backup, and a file replaced by a folder is one change with added files below', async () => {
    rig = makeRig();
    const r = rig;
    writeTree(r.src, { 'a.txt': 'one', 'keep.txt': 'kept', notes: 'a file for now', 'back.txt': 'original' });
    const b1 = (await r.backup()).backup;
    edit(path.join(r.src, 'a.txt'), 'two!', r.clock.now);
    edit(path.join(r.src, 'back.txt'), 'EDITED!!', r.clock.now);
    writeTree(r.src, { 'brief.txt': 'here only in the pruned backup' });
    const b2 = (await r.backup()).backup;
    edit(path.join(r.src, 'back.txt'), 'original', r.clock.now + 5000); // back to the first bytes
    fs.rmSync(path.join(r.src, 'brief.txt'));
    const b3 = (await r.backup()).backup;

    pruneOne(r, b2.id);
    expect(previousBackup(r.db, r.plan.id, b3.id)?.id).toBe(b1.id);
    // brief.txt lived only in the pruned backup; back.txt holds its first bytes again: neither is a change.
    expect(what(diffBackups(r.db, r.plan.id, b3.id, b1.id))).toEqual({ 'src/a.txt': 'changed' });

    fs.rmSync(path.join(r.src, 'notes'));
    writeTree(r.src, { 'notes/x.txt': 'xx', 'notes/y/z.txt': 'zzz' });
    fs.rmSync(path.join(r.src, 'keep.txt'));
    const b4 = (await r.backup()).backup;
    const changes = diffBackups(r.db, r.plan.id, b4.id, b3.id);
    expect(what(changes)).toEqual({
      'src/keep.txt': 'removed',
      'src/notes': 'changed',
      'src/notes/x.txt': 'added',
      'src/notes/y': 'added',
      'src/notes/y/z.txt': 'added',
    });
    // The file that became a folder counts once as changed (0 bytes: a folder), its files as added.
    expect(summarise(changes)).toEqual({
      added: { count: 2, bytes: 5 },
      changed: { count: 1, bytes: 0 },
      removed: { count: 1, bytes: 4 },
    });
    const notes = changesInFolder(changes, 'src').find((x) => x.name === 'notes')!;
    expect(notes).toMatchObject({ kind: 'd', change: 'changed', before: { kind: 'f', size: 14 } });
    expect(notes.below!.added).toEqual({ count: 2, bytes: 5 });
    // Any two backups, the newer first: b4 against b1 sees everything since b1 at once.
    expect(what(diffBackups(r.db, r.plan.id, b4.id, b1.id))).toMatchObject({
      'src/a.txt': 'changed',
      'src/keep.txt': 'removed',
      'src/notes': 'changed',
    });
  });
});

type Held = Map<string, { kind: string; size: number; sha256: string | null; target: string | null }>;

/** Everything a backup holds, read the plain way: each version whose interval covers it. */
function held(db: Db, planId: number, id: number | null): Held {
  if (id === null) return new Map();
  const rows = db
    .prepare(
      `SELECT parent, name, kind, size, sha256, target FROM file_versions
       WHERE plan_id = ? AND first_backup <= ? AND (last_backup IS NULL OR last_backup >= ?)`,
    )
    .all(planId, id, id) as {
    parent: string;
    name: string;
    kind: string;
    size: number;
    sha256: null;
    target: null;
  }[];
  return new Map(rows.map((r) => [r.parent ? `${r.parent}/${r.name}` : r.name, r]));
}

/** The changes from two whole backups compared path by path: what diffBackups must answer. */
function compareWhole(older: Held, newer: Held): Record<string, string> {
  const out: Record<string, string> = {};
  const side = (v: { kind: string; size: number } | undefined) => (v ? `${v.kind}${v.size}` : '-');
  for (const [key, a] of newer) {
    const b = older.get(key);
    const differs =
      !b ||
      a.kind !== b.kind ||
      (a.kind !== 'd' && (a.size !== b.size || a.sha256 !== b.sha256 || a.target !== b.target));
    if (differs) out[key] = `${b ? 'changed' : 'added'} ${side(b)} ${side(a)}`;
  }
  for (const [key, b] of older) if (!newer.has(key)) out[key] = `removed ${side(b)} -`;
  return out;
}

describe('what changed, on a catalog of many backups', () => {
  it('answers what comparing the two whole backups path by path answers, for near and far backups, across prunes', () => {
    const dir = tempDir('cairn-changes-');
    const cat = buildYearCatalog(dir, { files: 3000, days: 40, changePct: 3, churn: 20 });
    try {
      const ids = cat.backups.map((b) => b.id);
      // Prune every fifth backup, as retention would: gaps in the intervals.
      for (const id of ids.filter((_, i) => i % 5 === 3)) {
        const remaining = ids.filter((x) => x !== id);
        cat.db.transaction(() => {
          deleteDeadVersions(cat.db, cat.planId, remaining, [id]);
          cat.db.prepare('DELETE FROM backups WHERE id = ?').run(id);
        })();
        ids.splice(ids.indexOf(id), 1);
      }
      const got = (newer: number, older: number | null, near?: number) =>
        Object.fromEntries(
          diffBackups(cat.db, cat.planId, newer, older, near).map((c) => [
            c.key,
            `${c.change} ${c.before ? c.before.kind + c.before.size : '-'} ${c.after ? c.after.kind + c.after.size : '-'}`,
          ]),
        );
      const pairs: [number, number | null][] = [
        [ids[0]!, null],
        [ids[1]!, ids[0]!],
        [ids.at(-1)!, ids.at(-2)!],
        [ids.at(-1)!, ids[0]!],
        [ids[20]!, ids[4]!],
      ];
      for (const [newer, older] of pairs) {
        const expected = compareWhole(held(cat.db, cat.planId, older), held(cat.db, cat.planId, newer));
        expect(Object.keys(expected).length).toBeGreaterThan(20);
        // Both ways of reading the older side: by last_backup (near) and by first_backup (far).
        expect(got(newer, older)).toEqual(expected);
        expect(got(newer, older, 1)).toEqual(expected);
      }
    } finally {
      cat.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
