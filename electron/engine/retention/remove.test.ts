import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planKit } from '../../../test/helpers/restoreKit';
import { folderSnapshot as snapshot } from '../../../test/helpers/snapshot';
import { writeTree } from '../../../test/helpers/tree';
import { reconcile } from '../backup/reconcile';
import { listBackups, setPinned } from '../catalog/backups';
import { manifestStamps, planLayout, stampsOnDisk } from '../format/layout';
import { previewRemove, removeBackup } from './remove';

/** Sizes of the files in a folder that no other folder links (link count 1): what removing it frees. */
function unsharedBytes(dir: string): number {
  let n = 0;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = fs.lstatSync(path.join(dir, f));
    if (st.isFile() && st.nlink === 1) n += st.size;
  }
  return n;
}

/** Three backups: the middle one holds a changed file and a big file only it has. */
async function threeBackups() {
  const k = planKit();
  writeTree(k.source, { 'a.txt': 'first', 'same.txt': 'never changes' });
  const a = await k.backup();
  writeTree(k.source, { 'a.txt': 'second, longer', 'big.bin': 'x'.repeat(50_000) });
  const b = await k.backup();
  fs.rmSync(path.join(k.source, 'big.bin'));
  writeTree(k.source, { 'a.txt': 'third' });
  const c = await k.backup();
  const layout = planLayout(k.dest, 'home');
  return { k, a, b, c, layout };
}

const index = (layout: ReturnType<typeof planLayout>) =>
  (
    JSON.parse(fs.readFileSync(`${layout.meta}/backups.json`, 'utf8')) as { backups: { stamp: string }[] }
  ).backups.map((e) => e.stamp);

describe('removing one backup', () => {
  it('frees exactly the bytes only it holds and leaves the others byte-exact', async () => {
    const { k, a, b, c, layout } = await threeBackups();
    const p = previewRemove(k.db, k.plan(), b);
    expect(p.freedBytes).toBe(unsharedBytes(layout.backupDir(b.stamp)));
    expect(p.freedBytes).toBe('second, longer'.length + 50_000);
    expect(p.freedFiles).toBe(2);
    expect(p).toMatchObject({ refusals: [], newest: false, only: false });
    const before = [a, c].map((x) => snapshot(layout.backupDir(x.stamp)));

    removeBackup(k.db, k.plan(), b, { now: c.finishedAt + 1000, actor: 'test' });

    expect(listBackups(k.db, { planId: k.plan().id }).map((x) => x.stamp)).toEqual([c.stamp, a.stamp]);
    expect(stampsOnDisk(layout)).toEqual([a.stamp, c.stamp]);
    expect(manifestStamps(layout)).toEqual([a.stamp, c.stamp]);
    expect(index(layout)).toEqual([a.stamp, c.stamp]);
    expect([a, c].map((x) => snapshot(layout.backupDir(x.stamp)))).toEqual(before);
    expect(fs.readdirSync(layout.partial)).toEqual([]);
    // The catalog holds what the folders hold: a.txt's second version is gone, the others stay.
    const versions = k.db
      .prepare(`SELECT name, size FROM file_versions WHERE kind = 'f' ORDER BY name, size`)
      .all();
    expect(versions).toEqual([
      { name: 'a.txt', size: 5 },
      { name: 'a.txt', size: 5 },
      { name: 'same.txt', size: 13 },
    ]);
  });

  it('refuses a pinned backup and the only backup, and warns for the newest', async () => {
    const { k, b, c, layout } = await threeBackups();
    const pinned = setPinned(k.db, b.id, true, 'before the upgrade');
    expect(previewRemove(k.db, k.plan(), pinned).refusals[0]).toMatch(/pinned \("before the upgrade"\)/);
    expect(() => removeBackup(k.db, k.plan(), pinned, { now: 1, actor: 'test' })).toThrow(
      /not removed.*pinned/,
    );
    expect(stampsOnDisk(layout)).toHaveLength(3);
    expect(previewRemove(k.db, k.plan(), c).warnings[0]).toMatch(/newest/);
    expect(previewRemove(k.db, k.plan(), c, new Set([c.stamp])).refusals[0]).toMatch(/reads it right now/);

    const one = planKit({ name: 'home' });
    writeTree(one.source, { 'a.txt': 'only' });
    const only = await one.backup();
    expect(previewRemove(one.db, one.plan(), only)).toMatchObject({ only: true, newest: true });
    expect(() => removeBackup(one.db, one.plan(), only, { now: 1, actor: 'test' })).toThrow(/only backup/);
    expect(stampsOnDisk(planLayout(one.dest, 'home'))).toEqual([only.stamp]);
  });

  it('puts the folder back when the catalog refuses, and reconcile puts back what a crash left aside', async () => {
    const { k, a, b, c, layout } = await threeBackups();
    const before = [a, b, c].map((x) => snapshot(layout.backupDir(x.stamp)));
    const all = () => listBackups(k.db, { planId: k.plan().id }).map((x) => x.stamp);
    // The catalog refuses the delete (a full disk, a locked database): nothing changes.
    k.db.exec(
      `CREATE TEMP TRIGGER no_delete BEFORE DELETE ON backups BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    expect(() => removeBackup(k.db, k.plan(), b, { now: c.finishedAt + 1000, actor: 'test' })).toThrow(
      /disk full/,
    );
    k.db.exec('DROP TRIGGER no_delete');
    expect(all()).toEqual([c.stamp, b.stamp, a.stamp]);
    expect([a, b, c].map((x) => snapshot(layout.backupDir(x.stamp)))).toEqual(before);

    // The process stopped after the first step (the folder moved aside, the catalog not yet changed): the
    // backup is still listed, and the next start (reconcile) puts its folder back before clearing partial/.
    fs.renameSync(layout.backupDir(b.stamp), layout.doomedDir(b.stamp));
    const notes = await reconcile(k.db, k.plan(), layout, c.finishedAt + 2000);
    expect(notes).toEqual([
      `put back backup folder ${b.stamp}, which a prune or removal had not finished deleting`,
    ]);
    expect(all()).toEqual([c.stamp, b.stamp, a.stamp]);
    expect([a, b, c].map((x) => snapshot(layout.backupDir(x.stamp)))).toEqual(before);
    expect(fs.readdirSync(layout.partial)).toEqual([]);

    // Stopped after the catalog forgot it: the manifest without its folder is cleared, nothing is listed
    // that is not there.
    removeBackup(k.db, k.plan(), b, { now: c.finishedAt + 3000, actor: 'test' });
    expect(all()).toEqual([c.stamp, a.stamp]);
    for (const s of all()) expect(fs.existsSync(layout.backupDir(s))).toBe(true);
  });
});
