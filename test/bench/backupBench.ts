// First, no-change and changed backups: Cairn's CLI against cp -a, rsync -a and rsync -a --link-dest.
import fs from 'node:fs';
import { cairnCmd, remove, setup, timed, tmpPath, type BenchContext } from './context';
import { changeFiles } from './corpus';
import type { Cmd, Sample } from './measure';
import { resticBackup, resticInit } from './restic';
import { row } from './results';

/** Cairn's state after the first-backup runs, for the sections that follow. */
export interface CairnState {
  dataDir: string;
  dest: string;
}

/** Measures the three backup operations; returns the Cairn plan left with its backups (plan "bench"). */
export async function backupBench(ctx: BenchContext): Promise<CairnState> {
  const { corpus: c, args } = ctx;
  const src = c.root;
  const size = () => ({ bytes: c.bytes, files: c.files });
  const destRoot = tmpPath(ctx, 'dest');
  fs.mkdirSync(destRoot, { recursive: true });

  ctx.log('warming the page cache: one untimed read of the whole corpus (tar to a pipe) and one CLI start');
  await setup({ argv: ['sh', '-c', 'tar -cf - -C "$1" . | cat > /dev/null', 'sh', src] });
  await setup(cairnCmd(ctx, tmpPath(ctx, 'data-warm'), '--help'));

  // First backup: every run on a fresh destination (and a fresh catalog for Cairn).
  const first: Record<string, Sample[]> = { cairn: [] };
  let state: CairnState | null = null;
  let rsyncBase = '';
  // restic: a fresh repository for each first backup (init untimed); the last one takes the no-change runs.
  const resticCache = tmpPath(ctx, 'restic-cache');
  let resticRepo = '';
  // Earlier runs' copies are removed at the end of the section, not between runs or parts: for minutes
  // after many files are deleted, ext4 creates files several times slower (it passes over recently freed
  // inodes), and that would fall on whichever tool happened to run next (Cairn's no-change runs took 3.4 and
  // 3.9 s in the first minute after the first backups' copies were removed, 2.8 s in the next).
  const stale: string[] = [];
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`first backup, run ${i + 1} of ${args.runs}`);
    const dataDir = tmpPath(ctx, `data-first-${i}`);
    const dest = tmpPath(ctx, 'dest', `cairn-first-${i}`);
    fs.mkdirSync(dest);
    const add = ['plan', 'add', 'bench', '--source', src, '--dest', dest, '--no-default-excludes'];
    await setup(cairnCmd(ctx, dataDir, ...add));
    first.cairn!.push(await timed(cairnCmd(ctx, dataDir, 'backup', 'bench')));
    if (state) stale.push(state.dataDir, state.dest);
    state = { dataDir, dest };
    if (!args.peers) continue;
    const cpDest = tmpPath(ctx, 'dest', `cp-first-${i}`);
    await peer(first, 'cp -a', ['cp', '-a', src, cpDest]);
    const rsDest = tmpPath(ctx, 'dest', `rsync-first-${i}`);
    await peer(first, 'rsync -a', ['rsync', '-a', `${src}/`, `${rsDest}/`]);
    // rsync made durable the way Cairn is (one syncfs of the destination at the end), for comparison.
    const rsSync = tmpPath(ctx, 'dest', `rsync-sync-${i}`);
    const durable = ['sh', '-c', 'rsync -a "$1/" "$2/" && sync -f "$2"', 'sh', src, rsSync];
    await peer(first, 'rsync -a, then sync -f', durable);
    // Keep only the last run's rsync copy: it is the base of the incremental runs.
    stale.push(rsSync, cpDest, ...(rsyncBase ? [rsyncBase] : []));
    rsyncBase = rsDest;
    if (!ctx.restic) continue;
    const repo = tmpPath(ctx, 'dest', `restic-first-${i}`);
    await setup(resticInit(repo, resticCache));
    await peer(first, 'restic', resticBackup(repo, resticCache, src));
    if (resticRepo) stale.push(resticRepo);
    resticRepo = repo;
  }
  for (const [tool, s] of Object.entries(first))
    ctx.rows.push(row('backup', 'first backup', tool, s, size()));

  // No change: Cairn links from its previous backup; rsync and cp -al link against the first copy.
  const same: Record<string, Sample[]> = { cairn: [] };
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`no-change backup, run ${i + 1} of ${args.runs}`);
    same.cairn!.push(await timed(cairnCmd(ctx, state!.dataDir, 'backup', 'bench')));
    if (!args.peers) continue;
    const rs = tmpPath(ctx, 'dest', `rsync-same-${i}`);
    await peer(same, 'rsync -a --link-dest', [
      'rsync',
      '-a',
      `--link-dest=${rsyncBase}`,
      `${src}/`,
      `${rs}/`,
    ]);
    const cpal = tmpPath(ctx, 'dest', `cpal-${i}`);
    await peer(same, 'cp -al (floor)', ['cp', '-al', rsyncBase, cpal]);
    stale.push(rs, cpal);
    if (ctx.restic) await peer(same, 'restic', resticBackup(resticRepo, resticCache, src));
  }
  for (const [tool, s] of Object.entries(same))
    ctx.rows.push(row('backup', 'no-change backup', tool, s, size()));

  // Changed: before each run, a fresh args.changePct% of the small files is rewritten; each tool then works
  // against its own previous result, which holds the state before the change.
  const changed: Record<string, Sample[]> = { cairn: [] };
  let count = 0;
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`backup after changing ${args.changePct}% of small files, run ${i + 1} of ${args.runs}`);
    count = changeFiles(c, args.changePct, i).changed;
    changed.cairn!.push(await timed(cairnCmd(ctx, state!.dataDir, 'backup', 'bench')));
    if (!args.peers) continue;
    const rs = tmpPath(ctx, 'dest', `rsync-changed-${i}`);
    await peer(changed, 'rsync -a --link-dest', [
      'rsync',
      '-a',
      `--link-dest=${rsyncBase}`,
      `${src}/`,
      `${rs}/`,
    ]);
    stale.push(rsyncBase);
    rsyncBase = rs;
  }
  const note = `${count} files (${args.changePct}%) rewritten before each run`;
  for (const [tool, s] of Object.entries(changed))
    ctx.rows.push(row('backup', 'backup after changes', tool, s, size(), note));
  await remove(...stale, ...[rsyncBase, resticRepo, resticCache].filter(Boolean));
  return state!;
}

/** Times one run of a peer tool (a command line, or a command with its environment) into its samples. */
async function peer(into: Record<string, Sample[]>, tool: string, cmd: string[] | Cmd): Promise<void> {
  (into[tool] ??= []).push(await timed(Array.isArray(cmd) ? { argv: cmd } : cmd));
}
