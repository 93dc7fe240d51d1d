// The trash (.cairn/trash) and its sweep through the real `cairn` command: pruned folders and a killed
// run's leftovers go there by a rename; a small prune is swept inline, a big one by a detached child.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLayout } from '../electron/engine/format/layout';
import { sweepTrash } from '../electron/engine/retention/sweep';
import { cairn, cairnJson, cairnSpawn } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

const NO_RULES = [
  '--keep-within',
  '0',
  '--keep-daily',
  '0',
  '--keep-weekly',
  '0',
  '--keep-monthly',
  '0',
  '--keep-yearly',
  '0',
];

/** A source of `n` small files in folders of 100, and a plan over it keeping the last backup only. */
function setup(n: number, ...planArgs: string[]) {
  const root = tempDir('cairn-trash-');
  const src = path.join(root, 'S');
  const dest = path.join(root, 'D');
  const dataDir = path.join(root, 'data');
  for (let i = 0; i < n; i++) {
    const dir = path.join(src, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}`), `file ${i}`);
  }
  writeTree(src, { 'keep.txt': 'kept' });
  fs.mkdirSync(dest);
  const add = cairn(
    ['plan', 'add', 'p', '--source', src, '--dest', dest, '--keep-last', '1', ...NO_RULES, ...planArgs],
    {
      dataDir,
    },
  );
  expect(add.code, add.stderr).toBe(0);
  const layout = planLayout(dest, 'p');
  const backup = () => {
    const r = cairnJson<{ stamp: string }>(['backup', 'p'], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    return r.value.stamp;
  };
  return { src, dest, dataDir, layout, backup };
}

const trashNames = (trash: string) => (fs.existsSync(trash) ? fs.readdirSync(trash) : []);

/** Waits (bounded) until the trash is empty. */
async function emptied(trash: string, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; trashNames(trash).length > 0;) {
    if (Date.now() > end) throw new Error(`${trash} still holds ${trashNames(trash).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the trash through the CLI', () => {
  it('a small prune moves the pruned folder through the trash and sweeps it inline', () => {
    const t = setup(50);
    const first = t.backup();
    fs.writeFileSync(path.join(t.src, 'keep.txt'), 'changed');
    const second = t.backup(); // auto-prune drops the first
    expect(fs.existsSync(t.layout.backupDir(first))).toBe(false);
    expect(trashNames(t.layout.trash)).toEqual([]);
    expect(fs.readdirSync(t.layout.partial)).toEqual([]);
    expect(fs.readFileSync(path.join(t.layout.backupDir(second), 'S/keep.txt'), 'utf8')).toBe('changed');
    expect(fs.readFileSync(path.join(t.layout.backupDir(second), 'S/d0/f7'), 'utf8')).toBe('file 7');
  });

  it('a big prune returns before the detached sweep is done; the trash is empty shortly after', async () => {
    const t = setup(8000, '--no-auto-prune');
    const first = t.backup();
    const second = t.backup();
    const pruned = cairn(['prune', 'p'], { dataDir: t.dataDir });
    expect(pruned.code, pruned.stderr).toBe(0);
    // The command is back; the pruned folder waits in the trash for the child (which needs 8,000 unlinks).
    expect(trashNames(t.layout.trash).some((n) => n.startsWith(`pruned-${first}.`))).toBe(true);
    expect(fs.existsSync(t.layout.backupDir(first))).toBe(false);
    await emptied(t.layout.trash);
    expect(fs.readFileSync(path.join(t.layout.backupDir(second), 'S/d79/f7999'), 'utf8')).toBe('file 7999');
    const list = cairnJson<{ stamp: string }[]>(['list', 'p'], { dataDir: t.dataDir });
    expect(list.value.map((b) => b.stamp)).toEqual([second]);
  });

  it('a run killed midway leaves its partial folder to the next run, which moves it to the trash', async () => {
    const t = setup(3000);
    const first = t.backup();
    fs.writeFileSync(path.join(t.src, 'keep.txt'), 'changed');
    fs.writeFileSync(path.join(t.src, 'big.bin'), Buffer.alloc(64 << 20, 7));
    const child = cairnSpawn(['backup', 'p'], { dataDir: t.dataDir });
    // Killed once its partial backup folder is there.
    for (const end = Date.now() + 60_000; ;) {
      const inPartial = fs.existsSync(t.layout.partial) ? fs.readdirSync(t.layout.partial) : [];
      if (inPartial.some((n) => /^\d{4}-\d\d-\d\d_\d{6}$/.test(n))) break;
      if (Date.now() > end || child.exitCode !== null) throw new Error('the run ended before it was killed');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const second = t.backup();
    expect(fs.readdirSync(t.layout.partial)).toEqual([]);
    await emptied(t.layout.trash);
    expect(fs.readFileSync(path.join(t.layout.backupDir(second), 'S/keep.txt'), 'utf8')).toBe('changed');
    expect(fs.existsSync(t.layout.backupDir(first))).toBe(false); // pruned by the second run
  });

  it('a sweeper killed midway leaves the rest to the next sweep', async () => {
    const t = setup(0);
    const tree = path.join(t.layout.trash, 'pruned-x.0');
    for (let d = 0; d < 100; d++) {
      fs.mkdirSync(path.join(tree, `d${d}`), { recursive: true });
      for (let f = 0; f < 150; f++) fs.writeFileSync(path.join(tree, `d${d}`, `f${f}`), '');
    }
    const child = cairnSpawn(['sweep-trash', '--dest', t.dest, '--plan', 'p'], { dataDir: t.dataDir });
    for (const end = Date.now() + 60_000; fs.readdirSync(tree).length === 100;) {
      if (Date.now() > end || child.exitCode !== null)
        throw new Error('the sweep ended before it was killed');
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(trashNames(t.layout.trash)).toEqual(['pruned-x.0']); // cut short
    await sweepTrash(t.layout.trash);
    expect(trashNames(t.layout.trash)).toEqual([]);
    expect(fs.statSync(t.layout.trash).isDirectory()).toBe(true);
  });
});
