import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn } from '../../../test/helpers/cli';
import { planKit } from '../../../test/helpers/restoreKit';
import { tempDir } from '../../../test/helpers/tmp';
import { writeTree } from '../../../test/helpers/tree';
import { TrashSweeps } from '../app/trashSweeps';
import { runBackup } from '../backup/run';
import { reconcile } from '../backup/reconcile';
import { planLayout } from '../format/layout';
import { FileSecretStore } from '../secrets/store';
import { prunePlan } from './prune';
import { sweepTrash } from './sweep';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A plan's folders with a trash holding one pruned-looking tree (folders of files, a nested folder). */
function trashWith(files = 20) {
  const root = tempDir('cairn-sweep-');
  fs.chmodSync(root, 0o755);
  const layout = planLayout(path.join(root, 'D'), 'p');
  const tree = path.join(layout.trash, 'pruned-x.1');
  for (let d = 0; d < 5; d++)
    for (let f = 0; f < files; f++) writeTree(tree, { [`S/d${d}/deep/f${f}`]: `${d}/${f}` });
  return { root, layout, tree };
}

const trashNames = (trash: string) => fs.readdirSync(trash);

describe('sweepTrash', () => {
  it('empties the trash (which stays), a link pointing outside removed as a link, its target untouched', async () => {
    const t = trashWith();
    const outside = path.join(t.root, 'outside');
    writeTree(outside, { 'precious.txt': 'keep me', 'dir/inner.txt': 'me too' });
    fs.symlinkSync(outside, path.join(t.tree, 'S/link-to-dir'));
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(t.tree, 'S/d1/link-to-file'));
    // A name that is not UTF-8.
    fs.writeFileSync(Buffer.from(`${t.tree}/S/d2/caf\xe9`, 'latin1'), 'x');
    await sweepTrash(t.layout.trash);
    expect(trashNames(t.layout.trash)).toEqual([]);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(fs.readFileSync(path.join(outside, 'dir/inner.txt'), 'utf8')).toBe('me too');
  });

  it('deletes nothing when the trash is a link to another folder', async () => {
    const t = trashWith(1);
    const elsewhere = path.join(t.root, 'elsewhere');
    writeTree(elsewhere, { 'a.txt': 'a' });
    fs.rmSync(t.layout.trash, { recursive: true });
    fs.symlinkSync(elsewhere, t.layout.trash);
    await expect(sweepTrash(t.layout.trash)).rejects.toThrow(/not a trash folder/);
    expect(fs.readFileSync(path.join(elsewhere, 'a.txt'), 'utf8')).toBe('a');
  });

  it('two sweeps of one trash side by side both finish, and the trash is empty', async () => {
    const t = trashWith(200);
    writeTree(path.join(t.layout.trash, 'other.2'), { 'x/y/z.txt': 'z' });
    await Promise.all([sweepTrash(t.layout.trash), sweepTrash(t.layout.trash)]);
    expect(trashNames(t.layout.trash)).toEqual([]);
  });

  it('opens up read-only folders (a user the modes apply to, through `cairn sweep-trash`)', () => {
    const t = trashWith(3);
    fs.chmodSync(path.join(t.tree, 'S/d0/deep'), 0o555);
    fs.chmodSync(path.join(t.tree, 'S/d1'), 0o500);
    fs.chmodSync(path.join(t.tree, 'S'), 0o555);
    if (isRoot) execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, t.root]);
    const r = cairn(['sweep-trash', '--dest', path.join(t.root, 'D'), '--plan', 'p'], {
      dataDir: path.join(t.root, 'data'),
      ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(trashNames(t.layout.trash)).toEqual([]);
  });
});

describe('the trash around backups and prunes', () => {
  const secrets = (dataDir: string) => new FileSecretStore(dataDir);

  it('reconcile moves what a killed run left in partial/ into the trash, by a rename', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a' });
    const first = await k.backup();
    const layout = planLayout(k.dest, 'home');
    writeTree(layout.partial, { '2030-01-01_000000/S/half.txt': 'half', '2030-01-01_000000.tsv.gz': 'x' });
    const ino = fs.statSync(path.join(layout.partial, '2030-01-01_000000/S/half.txt')).ino;
    await reconcile(k.db, k.plan(), layout, Date.now());
    expect(fs.readdirSync(layout.partial)).toEqual([]);
    const moved = trashNames(layout.trash).find(
      (n) => n.startsWith('2030-01-01_000000.') && !n.includes('tsv'),
    );
    expect(fs.statSync(path.join(layout.trash, moved!, 'S/half.txt')).ino).toBe(ino);
    expect(fs.readFileSync(path.join(layout.backupDir(first.stamp), `${k.label}/a.txt`), 'utf8')).toBe('a');
  });

  it('a prune moves the folder into the trash; a background sweep empties it, the kept backup intact', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a', 'sub/b.txt': 'b' });
    const first = await k.backup();
    writeTree(k.source, { 'a.txt': 'changed' });
    const second = await k.backup();
    k.db
      .prepare(
        'UPDATE plans SET keep_last = 1, keep_within_hours = 0, keep_daily = 0, keep_weekly = 0, keep_monthly = 0, keep_yearly = 0',
      )
      .run();
    const layout = planLayout(k.dest, 'home');
    const seen: string[][] = [];
    const r = prunePlan(k.db, k.plan(), {
      now: Date.now(),
      actor: 'test',
      trash: { dropped: (_p, moved) => seen.push(moved.map((m) => path.basename(m))) },
    });
    expect(r.pruned).toEqual([first.stamp]);
    expect(fs.existsSync(layout.backupDir(first.stamp))).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toMatch(new RegExp(`^pruned-${first.stamp}\\.`));
    expect(trashNames(layout.trash)).toEqual(seen[0]);
    const sweeps = new TrashSweeps();
    sweeps.beside(k.plan());
    await sweeps.idle();
    expect(trashNames(layout.trash)).toEqual([]);
    expect(fs.readFileSync(path.join(layout.backupDir(second.stamp), `${k.label}/sub/b.txt`), 'utf8')).toBe(
      'b',
    );
  });

  describe('a full disk', () => {
    const mnt = tempDir('cairn-sweepfull-');
    let mounted = false;
    beforeAll(() => {
      mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]).status === 0;
    });
    afterAll(() => {
      if (mounted) spawnSync('umount', [mnt]);
    });

    it('says the space of pruned backups is still being freed while the trash is not empty', async (ctx) => {
      if (!mounted) ctx.skip(); // needs root to mount a small tmpfs
      const k = planKit();
      k.db.prepare('UPDATE plans SET dest = ?').run(mnt);
      writeTree(k.source, { 'big.bin': Buffer.alloc(4 << 20, 1) });
      const layout = planLayout(mnt, 'home');
      writeTree(layout.trash, { 'pruned-x.1/S/old.bin': Buffer.alloc(3 << 20, 2) });
      const run = runBackup({
        db: k.db,
        plan: k.plan(),
        now: Date.now,
        actor: 'test',
        secrets: secrets(k.dataDir),
        trash: { dropped: () => undefined }, // the sweep has not caught up yet
      });
      await expect(run).rejects.toThrow(/disk is full.*still being freed; try again shortly/);
      await sweepTrash(layout.trash);
      await k.backup();
    });

    it("does not say so when the trash holds only the failed run's own partial folder", async (ctx) => {
      if (!mounted) ctx.skip();
      const k = planKit();
      k.db.prepare('UPDATE plans SET dest = ?').run(mnt);
      writeTree(k.source, { 'huge.bin': Buffer.alloc(8 << 20, 3) });
      const layout = planLayout(mnt, 'home');
      expect(trashNames(layout.trash)).toEqual([]);
      const err = await runBackup({
        db: k.db,
        plan: k.plan(),
        now: Date.now,
        actor: 'test',
        secrets: secrets(k.dataDir),
        trash: { dropped: () => undefined },
      }).catch((e: Error) => e);
      expect(String(err)).toMatch(/disk is full/);
      expect(String(err)).not.toMatch(/still being freed/);
      expect(trashNames(layout.trash)).toHaveLength(1); // the partial folder, for the sweep
      await sweepTrash(layout.trash);
    });
  });
});
