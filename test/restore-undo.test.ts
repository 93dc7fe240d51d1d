// Undoing an in-place restore: only the paths the restore changed go back, and only where they still hold
// what the restore wrote; a second undo is refused; the "before restore" backup's pin goes back to retention.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobCoordinator } from '../electron/engine/app/jobs';
import { pruneOp } from '../electron/engine/app/ops/prune';
import { undoOp } from '../electron/engine/app/ops/undo';
import { findBackup } from '../electron/engine/catalog/backups';
import { restoreBackup } from '../electron/engine/restore/restore';
import { undoRestore } from '../electron/engine/restore/undo';
import { cairn } from './helpers/cli';
import { planKit } from './helpers/restoreKit';
import { writeTree } from './helpers/tree';

const DAY = 86_400_000;

/** A plan with one backup, and a clock the restores and undos read (a second apart each time). */
async function kitWithBackup(tree: Parameters<typeof writeTree>[1]) {
  const k = planKit();
  writeTree(k.source, tree);
  const b1 = await k.backup({ at: Date.parse('2026-03-01T10:00:00Z') });
  let t = Date.parse('2026-03-02T10:00:00Z');
  const now = () => (t += 1000);
  const read = (p: string) => fs.readFileSync(path.join(k.source, p), 'utf8');
  const write = (p: string, s: string) => fs.writeFileSync(path.join(k.source, p), s);
  const restore = (paths?: string[]) =>
    restoreBackup({ db: k.db, plan: k.plan(), backup: b1, paths, inPlace: true, now, actor: 'test' });
  const undo = (safetyRef: string) =>
    undoRestore({ db: k.db, plan: k.plan(), safetyStamp: safetyRef.split('/')[1]!, now, actor: 'test' });
  const safety = (ref: string) => findBackup(k.db, k.plan().id, ref.split('/')[1]!)!;
  return { k, b1, now, read, write, restore, undo, safety, at: () => t };
}

describe('undo of an in-place restore', () => {
  it('puts back only the file the restore wrote: an edit to another file made after the restore stays', async () => {
    const x = await kitWithBackup({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    x.write('a.txt', 'alpha, edited by mistake');
    const s = await x.restore(['src/a.txt']);
    expect(x.read('a.txt')).toBe('alpha');
    x.write('b.txt', 'bravo, edited after the restore');

    const u = await x.undo(s.beforeRestore!);
    expect(x.read('a.txt')).toBe('alpha, edited by mistake');
    expect(x.read('b.txt')).toBe('bravo, edited after the restore');
    expect(u).toMatchObject({ reverted: 1, kept: [], failures: [] });
  });

  it('puts back a file whose name is not UTF-8, by its bytes', async () => {
    const x = await kitWithBackup({ 'a.txt': 'alpha' });
    const raw = (k: typeof x.k) =>
      Buffer.concat([Buffer.from(`${k.source}/raw`), Buffer.from([0xff]), Buffer.from('.txt')]);
    // The backup above did not hold it: make a second backup that does, then edit it and restore over it.
    fs.writeFileSync(raw(x.k), 'first');
    const b2 = await x.k.backup({ at: Date.parse('2026-03-01T11:00:00Z') });
    fs.writeFileSync(raw(x.k), 'edited');
    const s = await restoreBackup({
      db: x.k.db,
      plan: x.k.plan(),
      backup: b2,
      inPlace: true,
      now: x.now,
      actor: 'test',
    });
    expect(fs.readFileSync(raw(x.k), 'utf8')).toBe('first');

    const u = await x.undo(s.beforeRestore!);
    expect(fs.readFileSync(raw(x.k), 'utf8')).toBe('edited');
    expect(u).toMatchObject({ kept: [], failures: [] });
  });

  it('keeps and names a file changed since the restore; removes a file it made only if unchanged; puts back what it removed', async () => {
    const x = await kitWithBackup({
      'a.txt': 'alpha',
      'c.txt': 'charlie',
      'd.txt': 'delta',
      'sub/e.txt': 'echo',
    });
    x.write('a.txt', 'alpha 2');
    fs.rmSync(path.join(x.k.source, 'c.txt'));
    fs.rmSync(path.join(x.k.source, 'd.txt'));
    fs.rmSync(path.join(x.k.source, 'sub'), { recursive: true });
    x.write('new.txt', 'made after the backup');
    writeTree(x.k.source, { 'extra/deep/one.txt': 'one, made after the backup' });
    const s = await x.restore();
    expect(s.failures).toEqual([]);
    expect(fs.existsSync(path.join(x.k.source, 'new.txt'))).toBe(false);

    x.write('a.txt', 'alpha 3, work done after the restore');
    x.write('d.txt', 'delta, edited after the restore');
    const u = await x.undo(s.beforeRestore!);
    expect(u.kept).toEqual([
      { path: 'src/d.txt', reason: 'changed since the restore' },
      { path: 'src/a.txt', reason: 'changed since the restore' },
    ]);
    expect(x.read('a.txt')).toBe('alpha 3, work done after the restore');
    expect(x.read('d.txt')).toBe('delta, edited after the restore');
    // c.txt and sub/ were made by the restore and are unchanged: gone again; what it removed is back.
    expect(fs.readdirSync(x.k.source).sort()).toEqual(['a.txt', 'd.txt', 'extra', 'new.txt']);
    expect(x.read('new.txt')).toBe('made after the backup');
    expect(x.read('extra/deep/one.txt')).toBe('one, made after the backup');
    expect(u.failures).toEqual([]);
  });

  it('puts back a symlink, a file and a folder where the restore put another link, a folder and a file', async () => {
    const x = await kitWithBackup({
      'c.txt': 'charlie',
      link: { symlink: 'c.txt' },
      'dir/y.txt': 'yankee',
      was: 'a file in the backup',
    });
    fs.rmSync(path.join(x.k.source, 'link'));
    fs.symlinkSync('elsewhere', path.join(x.k.source, 'link'));
    fs.rmSync(path.join(x.k.source, 'dir'), { recursive: true });
    x.write('dir', 'now a file');
    fs.rmSync(path.join(x.k.source, 'was'));
    writeTree(x.k.source, { 'was/inside.txt': 'a folder now' });
    const s = await x.restore();
    expect(s.failures).toEqual([]);
    expect(fs.readlinkSync(path.join(x.k.source, 'link'))).toBe('c.txt');
    expect(x.read('dir/y.txt')).toBe('yankee');
    expect(x.read('was')).toBe('a file in the backup');

    const u = await x.undo(s.beforeRestore!);
    expect(u).toMatchObject({ kept: [], failures: [] });
    expect(fs.readlinkSync(path.join(x.k.source, 'link'))).toBe('elsewhere');
    expect(x.read('dir')).toBe('now a file');
    expect(x.read('was/inside.txt')).toBe('a folder now');
  });

  it('refuses a second undo, while the first runs and after it; the safety backup is no longer pinned', async () => {
    const x = await kitWithBackup({ 'a.txt': 'alpha' });
    x.write('a.txt', 'alpha 2');
    const s = await x.restore();
    const safety = x.safety(s.beforeRestore!);
    expect(safety).toMatchObject({
      pinned: true,
      note: `before restore of home/${x.b1.stamp} on 2026-03-02`,
    });

    const d = { db: x.k.db, jobs: new JobCoordinator(x.now), now: x.now, actor: 'test' };
    const first = undoOp(d, x.k.plan(), safety.stamp);
    const second = undoOp(d, x.k.plan(), safety.stamp);
    await expect(second).rejects.toThrow(/An undo of a restore of home is running/);
    expect((await first).reverted).toBe(1);
    expect(x.read('a.txt')).toBe('alpha 2');
    await expect(undoOp(d, x.k.plan(), safety.stamp)).rejects.toThrow(/already undone/);
    expect(x.read('a.txt')).toBe('alpha 2');
    expect(x.safety(s.beforeRestore!).pinned).toBe(false);
  });

  it('hands the pin of a safety backup back to retention after 14 days when it is not undone', async () => {
    const x = await kitWithBackup({ 'a.txt': 'alpha' });
    x.write('a.txt', 'alpha 2');
    const s = await x.restore();
    const d = (at: number) => ({ db: x.k.db, jobs: new JobCoordinator(), now: () => at, actor: 'test' });
    pruneOp(d(x.at() + 13 * DAY), x.k.plan(), { dryRun: true });
    expect(x.safety(s.beforeRestore!).pinned).toBe(true);
    pruneOp(d(x.at() + 14 * DAY + 1000), x.k.plan(), { dryRun: true });
    expect(x.safety(s.beforeRestore!).pinned).toBe(false);
  });

  it('cairn undo: the result on stdout, kept paths on stderr (exit 1), a second undo refused (exit 2)', async () => {
    const x = await kitWithBackup({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    x.write('a.txt', 'alpha 2');
    x.write('b.txt', 'bravo 2');
    x.k.db.close(); // the CLI opens the catalog itself
    const o = { dataDir: x.k.dataDir };
    const r = cairn(['restore', `home/${x.b1.stamp}`, '--in-place'], o);
    expect(r.code).toBe(0);
    const ref = /to undo: cairn undo (home\/\S+)/.exec(r.stdout)![1]!;
    x.write('b.txt', 'bravo 3, after the restore');
    const u = cairn(['undo', ref], o);
    expect(u.code).toBe(1);
    expect(u.stdout).toMatch(/^Undid the restore of home\/\S+: 1 path\(s\) put back/);
    expect(u.stdout).toContain(`${ref} is no longer pinned`);
    expect(u.stderr).toBe('KEPT: src/b.txt: changed since the restore; left as it is\n');
    expect([x.read('a.txt'), x.read('b.txt')]).toEqual(['alpha 2', 'bravo 3, after the restore']);
    const again = cairn(['undo', ref], o);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/was already undone at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d; nothing was changed/);
  });
});
