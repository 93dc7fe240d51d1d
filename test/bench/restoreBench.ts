// A full restore of the small-files backup with `cairn restore`, against cp -a of the same backup folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cairnCmd, remove, setup, timed, tmpPath, type BenchContext } from './context';
import type { Sample } from './measure';
import { row } from './results';

/** True when this build's CLI has a `restore` command. */
export function hasRestore(ctx: BenchContext): boolean {
  const r = spawnSync(process.execPath, [ctx.cli, 'restore', '--help'], {
    env: { ...process.env, CAIRN_DATA_DIR: tmpPath(ctx, 'data-probe') },
    encoding: 'utf8',
  });
  return r.status === 0 && /--to\b/.test(r.stdout);
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

/** Backs up the small files once (untimed), then times full restores to fresh folders. */
export async function restoreBench(ctx: BenchContext): Promise<void> {
  if (!hasRestore(ctx)) {
    ctx.notes.push('restore: skipped, this build has no `cairn restore` yet (issue #4).');
    return;
  }
  const { corpus: c, args } = ctx;
  const dataDir = tmpPath(ctx, 'data-restore');
  const dest = tmpPath(ctx, 'dest', 'cairn-restore-src');
  fs.mkdirSync(dest, { recursive: true });
  const smallFiles = c.files - c.largeFiles.length;
  ctx.log('restore: one untimed backup of the small files');
  await setup(
    cairnCmd(
      ctx,
      dataDir,
      'plan',
      'add',
      'small',
      '--source',
      c.small,
      '--dest',
      dest,
      '--no-default-excludes',
    ),
  );
  await setup(cairnCmd(ctx, dataDir, 'backup', 'small'));
  const stamp = fs.readdirSync(path.join(dest, 'small')).find((n) => /^\d{4}-\d\d-\d\d_\d{6}$/.test(n));
  if (!stamp) throw new Error('restore: the small-files backup folder is missing');
  const backupDir = path.join(dest, 'small', stamp);
  const samples: Record<string, Sample[]> = {
    'cairn restore': [],
    'cp -a': [],
    'cp -a, then sync -f': [],
  };
  // Removed after the last run, not between runs (see "stale" in backupBench.ts).
  const stale: string[] = [];
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`full restore, run ${i + 1} of ${args.runs}`);
    const to = tmpPath(ctx, 'dest', `restored-${i}`);
    samples['cairn restore']!.push(
      await timed(cairnCmd(ctx, dataDir, 'restore', `small/${stamp}`, '--to', to)),
    );
    if (i === 0) {
      const n = countFiles(to);
      if (n !== smallFiles) throw new Error(`restore: ${n} files restored, ${smallFiles} expected`);
    }
    const cp = tmpPath(ctx, 'dest', `cp-restored-${i}`);
    samples['cp -a']!.push(await timed({ argv: ['cp', '-a', backupDir, cp] }));
    // cp made durable (one syncfs at the end), as an in-place restore is; a restore --to leaves that to the system, as cp does.
    const cpSync = tmpPath(ctx, 'dest', `cp-sync-restored-${i}`);
    const durable = ['sh', '-c', 'cp -a "$1" "$2" && sync -f "$2"', 'sh', backupDir, cpSync];
    samples['cp -a, then sync -f']!.push(await timed({ argv: durable }));
    stale.push(to, cp, cpSync);
  }
  await remove(...stale);
  const size = { bytes: c.smallBytes, files: smallFiles };
  for (const [tool, s] of Object.entries(samples))
    ctx.rows.push(row('restore', 'full restore', tool, s, size));
  await remove(dataDir, dest);
}
