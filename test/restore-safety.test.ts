import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importBackup } from '../electron/engine/backup/importBackup';
import { planLayout } from '../electron/engine/format/layout';
import { ManifestWriter, type ManifestEntry } from '../electron/engine/format/manifest';
import { listBackups } from '../electron/engine/catalog/backups';
import type { ContentSource } from '../electron/engine/restore/content';
import { restoreBackup } from '../electron/engine/restore/restore';
import { cairn, cairnSpawn } from './helpers/cli';
import { copyTree, planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { diffTrees, writeTree } from './helpers/tree';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const now = () => Date.now();

describe('in-place restore', () => {
  it('saves what is there in a pinned backup first, and restoring that one undoes it', async () => {
    const k = planKit({ defaultExcludes: true });
    writeTree(k.source, {
      'a.txt': 'alpha',
      'b.txt': 'bravo',
      'sub/c.txt': 'charlie',
      'sub/l': { symlink: 'c.txt' },
      'gone/x.txt': 'x',
      'ro.txt': { mode: 0o444, content: 'read only' },
    });
    const b1 = await k.backup();
    const expected1 = path.join(tempDir(), 'at-b1');
    copyTree(k.source, expected1);

    fs.writeFileSync(path.join(k.source, 'a.txt'), 'alpha, edited later');
    fs.rmSync(path.join(k.source, 'b.txt'));
    fs.rmSync(path.join(k.source, 'gone'), { recursive: true });
    fs.rmSync(path.join(k.source, 'sub/l'));
    writeTree(k.source, {
      'new.txt': 'new',
      'newdir/y.txt': 'y',
      'newdir/z.tmp': 'excluded, never backed up',
      'cache.tmp': 'excluded too',
      'sub/l': { symlink: 'elsewhere' },
      gone: 'now a file',
    });
    const before = path.join(tempDir(), 'before');
    copyTree(k.source, before);

    const base = { db: k.db, plan: k.plan(), backup: b1, inPlace: true, now, actor: 'test' };
    const dry = await restoreBackup({ ...base, dryRun: true });
    expect(dry.wouldRemove).toEqual(['src/gone', 'src/new.txt', 'src/newdir', 'src/newdir/y.txt']);
    expect([dry.written, dry.overwritten, dry.skipped, dry.symlinks]).toEqual([2, 1, 2, 1]);
    expect(listBackups(k.db, { planId: k.plan().id })).toHaveLength(1);
    expect(fs.existsSync(path.join(k.source, 'new.txt'))).toBe(true);

    const s = await restoreBackup(base);
    expect(s.failures).toEqual([]);
    expect(s.deleted).toBe(3);
    expect(s.beforeRestore).not.toBeNull();
    const saved = listBackups(k.db, { planId: k.plan().id }).find(
      (b) => `home/${b.stamp}` === s.beforeRestore,
    )!;
    expect(saved.pinned).toBe(true);
    expect(saved.note).toMatch(new RegExp(`^before restore of home/${b1.stamp} on \\d{4}-\\d{2}-\\d{2}$`));
    // The source is as it was at b1, except what no backup ever held (excluded files) and their folder.
    expect(
      diffTrees(expected1, k.source, { mode: true, mtime: true, ignore: ['cache.tmp', 'newdir'] }),
    ).toEqual([]);
    expect(fs.readdirSync(path.join(k.source, 'newdir'))).toEqual(['z.tmp']);
    expect(s.keptFolders).toEqual([`${k.label}/newdir`]);
    expect(fs.readFileSync(path.join(k.source, 'cache.tmp'), 'utf8')).toBe('excluded too');

    const undo = await restoreBackup({
      db: k.db,
      plan: k.plan(),
      backup: saved,
      inPlace: true,
      now,
      actor: 'test',
    });
    expect(undo.failures).toEqual([]);
    expect(diffTrees(before, k.source, { mode: true, mtime: true })).toEqual([]);
  });
});

/** Writes a backup folder and manifest by hand (as a tampered-with or hostile destination could hold). */
async function craftedBackup(entries: ManifestEntry[], build: (dir: string) => void) {
  const k = planKit();
  writeTree(k.source, { 'ok.txt': 'ok' });
  const layout = planLayout(k.dest, 'home');
  const stamp = '2026-01-01_000000';
  fs.mkdirSync(layout.manifests, { recursive: true });
  fs.mkdirSync(path.join(layout.backupDir(stamp), k.label), { recursive: true });
  build(path.join(layout.backupDir(stamp), k.label));
  const w = new ManifestWriter(layout.manifestFile(stamp), {
    version: 1,
    plan: 'home',
    stamp,
    startedAt: Date.parse('2026-01-01T00:00:00Z'),
    sources: [{ label: k.label, path: k.source }],
  });
  for (const e of entries) await w.add(e);
  await w.finish();
  const backup = await importBackup(k.db, k.plan(), layout, stamp, Date.now());
  return { k, backup };
}

const entry = (kind: 'f' | 'd' | 'l', p: string, extra: Partial<ManifestEntry> = {}): ManifestEntry => ({
  kind,
  path: p,
  size: 0,
  mtimeMs: 1_700_000_000_000,
  mode: kind === 'd' ? 0o755 : 0o644,
  sha256: null,
  target: null,
  ino: null,
  ctimeMs: null,
  flags: '',
  ...extra,
});

describe('restore never writes outside the target', () => {
  it('refuses a file under a symlink the backup holds, and .. paths, whatever gives the bytes', async () => {
    const outside = tempDir('cairn-outside-');
    const evil = Buffer.from('evil');
    const f = (p: string) => entry('f', p, { size: evil.length, sha256: sha(evil) });
    const { k, backup } = await craftedBackup(
      [
        entry('d', 'src'),
        entry('l', 'src/link', { target: outside }),
        f('src/link/evil.txt'),
        f('src/../escape.txt'),
        f('src/ok.txt'),
      ],
      (dir) => {
        fs.symlinkSync(outside, path.join(dir, 'link'));
        fs.writeFileSync(path.join(dir, 'ok.txt'), evil);
      },
    );
    // A content source that hands out the bytes for anything (as packs downloaded from Drive would).
    const anything: ContentSource = { describe: 'memory', read: (_e, sink) => sink(evil) };
    for (const source of [anything, undefined]) {
      const to = path.join(tempDir(), 'restore-here');
      const s = await restoreBackup({ db: k.db, plan: k.plan(), backup, to, source, now, actor: 'test' });
      expect(fs.readdirSync(outside)).toEqual([]);
      expect(fs.existsSync(path.join(path.dirname(to), 'escape.txt'))).toBe(false);
      expect(fs.readlinkSync(path.join(to, 'src/link'))).toBe(outside);
      expect(fs.readFileSync(path.join(to, 'src/ok.txt'))).toEqual(evil);
      expect(s.failures.map((x) => x.path).sort()).toEqual(['src/../escape.txt', 'src/link/evil.txt']);
    }
  });

  it('does not follow a symlink already in the target folder', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a', 'sub/b.txt': 'b' });
    const backup = await k.backup();
    const outside = tempDir('cairn-outside-');
    const to = tempDir('cairn-to-');
    fs.mkdirSync(path.join(to, 'src'));
    fs.symlinkSync(outside, path.join(to, 'src', 'sub'));
    const base = { db: k.db, plan: k.plan(), backup, to, now, actor: 'test' };
    const s = await restoreBackup(base);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(s.failures.map((x) => x.path)).toEqual(['src/sub', 'src/sub/b.txt']);
    const o = await restoreBackup({ ...base, overwrite: true });
    expect(o.failures).toEqual([]);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.lstatSync(path.join(to, 'src/sub')).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(to, 'src/sub/b.txt'), 'utf8')).toBe('b');
  });

  it('names the paths it refused to write through a symlink on stderr, not stdout (issue #15 item 6)', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a', 'sub/b.txt': 'b' });
    const backup = await k.backup();
    const outside = tempDir('cairn-outside-');
    const to = tempDir('cairn-to-');
    fs.mkdirSync(path.join(to, 'src'));
    fs.symlinkSync(outside, path.join(to, 'src', 'sub'));
    const r = cairn(['restore', `home/${backup.stamp}`, '--to', to], { dataDir: k.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NOT RESTORED: src\/sub\/b\.txt/);
    expect(r.stderr).toMatch(/2 path\(s\) did not land/);
    expect(r.stdout).not.toMatch(/NOT RESTORED|did not land/);
    expect(r.stdout).toMatch(/^Restored home\//);
    const j = cairn(['--json', 'restore', `home/${backup.stamp}`, '--to', to], { dataDir: k.dataDir });
    expect(j.code).toBe(1);
    expect((JSON.parse(j.stdout) as { failed: number }).failed).toBe(2);
    expect(j.stderr).toMatch(/NOT RESTORED: src\/sub\/b\.txt/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('names a damaged file in the backup and leaves nothing under its name', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'alpha', 'b.txt': 'bravo', 'c.txt': 'charlie' });
    const backup = await k.backup();
    const inBackup = path.join(k.dest, 'home', backup.stamp, 'src');
    fs.writeFileSync(path.join(inBackup, 'b.txt'), 'bravX');
    fs.rmSync(path.join(inBackup, 'c.txt'));
    expect(spawnSync('mkfifo', [path.join(inBackup, 'c.txt')]).status).toBe(0); // must not hang the restore
    const to = tempDir('cairn-to-');
    const r = cairn(['restore', `home/${backup.stamp}`, '--to', to], { dataDir: k.dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NOT RESTORED: src\/b\.txt: content does not match/);
    expect(r.stderr).toMatch(/NOT RESTORED: src\/c\.txt: content is 0 bytes, the manifest says 7/);
    expect(fs.readdirSync(path.join(to, 'src'))).toEqual(['a.txt']);
  });
});

describe('a restore killed with SIGKILL', () => {
  it('leaves no half-written file under a real name', async () => {
    const k = planKit();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) files[`f${String(i).padStart(2, '0')}.bin`] = randomBytes(2 << 20);
    writeTree(k.source, files);
    const backup = await k.backup();
    const to = tempDir('cairn-to-');
    const child = cairnSpawn(['restore', `home/${backup.stamp}`, '--to', to], { dataDir: k.dataDir });
    const dir = path.join(to, 'src');
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    for (let i = 0; i < 2000; i++) {
      if (fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n.startsWith('f'))) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const names = fs.readdirSync(dir);
    const real = names.filter((n) => !/^\.cairn-restore-\d+-\d+\.tmp$/.test(n));
    expect(real.length).toBeGreaterThan(0);
    expect(real.length).toBeLessThan(60);
    for (const n of real) expect(sha(fs.readFileSync(path.join(dir, n)))).toBe(sha(files[n]!));

    const again = cairn(['restore', `home/${backup.stamp}`, '--to', to], { dataDir: k.dataDir });
    expect(again.code).toBe(0);
    for (const [n, b] of Object.entries(files)) expect(sha(fs.readFileSync(path.join(dir, n)))).toBe(sha(b));
    expect(fs.readdirSync(dir).sort()).toEqual(Object.keys(files).sort()); // the killed run's temporary files are gone
  });
});

describe('a restore onto a full disk', () => {
  const root = process.getuid?.() === 0 && process.platform === 'linux';
  it.skipIf(!root)('stops with a plain sentence and leaves only whole files', async () => {
    const k = planKit();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) files[`f${i}.bin`] = randomBytes(100_000);
    writeTree(k.source, files);
    const backup = await k.backup();
    const small = tempDir('cairn-small-');
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', small]).status).toBe(0);
    try {
      const run = restoreBackup({ db: k.db, plan: k.plan(), backup, to: small, now, actor: 'test' });
      await expect(run).rejects.toThrow(/The disk being restored to is full \(at src\/f\d\.bin\)/);
      const landed = fs.readdirSync(path.join(small, 'src'));
      expect(landed.length).toBeGreaterThan(0);
      for (const n of landed) expect(sha(fs.readFileSync(path.join(small, 'src', n)))).toBe(sha(files[n]!));
    } finally {
      spawnSync('umount', [small]);
    }
  });
});
