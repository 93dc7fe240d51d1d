// The daily run that prunes one old backup (issue #19): a plan keeping the last two backups against one
// keeping every backup, both timing no-change `cairn backup` runs with auto-prune; then how long the
// pruned folder takes to go from the trash (`.cairn/trash`, swept in the background) against `rm -rf`.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isStamp } from '../../electron/engine/format/stamp';
import { cairnCmd, keepLast, remove, setup, timed, tmpPath, type BenchContext } from './context';
import type { Sample } from './measure';
import { PRUNES_NONE, PRUNES_ONE, row } from './results';

/** The plan's backup folders on the destination, oldest first. */
const stamps = (root: string) => fs.readdirSync(root).filter(isStamp).sort();

/** The longest wait for a background sweep to empty the trash. */
const SWEEP_LIMIT_MS = 30 * 60_000;

/** Entries in a folder; 0 when it does not exist (a build without the trash deletes inline). */
function entries(dir: string): number {
  try {
    return fs.readdirSync(dir).length;
  } catch {
    return 0;
  }
}

/**
 * Waits (untimed for the rows it follows) until the trash is empty; the time from the command's return
 * until then, or null when the trash was already empty (nothing left to the background).
 */
export async function sweepDone(trash: string, since: number): Promise<number | null> {
  if (entries(trash) === 0) return null;
  while (entries(trash) > 0) {
    if (performance.now() - since > SWEEP_LIMIT_MS)
      throw new Error(`prune: ${trash} is still not empty after ${SWEEP_LIMIT_MS / 60_000} minutes`);
    await sleep(20);
  }
  return performance.now() - since;
}

/** A plan on the corpus with its own data folder and destination, after `backups` untimed backups. */
async function plan(ctx: BenchContext, name: string, keep: number, backups: number) {
  const dataDir = tmpPath(ctx, `data-${name}`);
  const dest = tmpPath(ctx, 'dest', `cairn-${name}`);
  fs.mkdirSync(dest, { recursive: true });
  const add = ['plan', 'add', name, '--source', ctx.corpus.root, '--dest', dest, '--no-default-excludes'];
  await setup(cairnCmd(ctx, dataDir, ...add, ...keepLast(keep)));
  for (let i = 0; i < backups; i++) await setup(cairnCmd(ctx, dataDir, 'backup', name));
  return { dataDir, dest, root: path.join(dest, name), backup: cairnCmd(ctx, dataDir, 'backup', name) };
}

/** Times the pruning and the non-pruning daily runs side by side, and the background sweep after each. */
export async function pruneBench(ctx: BenchContext): Promise<void> {
  const { corpus: c, args } = ctx;
  ctx.log('prune: two plans (keep every backup; keep the last 2), first backups untimed');
  const all = await plan(ctx, 'keepall', 0, 1);
  const two = await plan(ctx, 'keeptwo', 2, 2);
  const trash = path.join(two.root, '.cairn', 'trash');
  const samples: Record<string, Sample[]> = { [PRUNES_ONE]: [], [PRUNES_NONE]: [] };
  const sweeps: Sample[] = [];
  const rmrf: Sample[] = [];
  for (let i = 0; i < args.runs; i++) {
    ctx.log(`daily backup with and without pruning one backup, run ${i + 1} of ${args.runs}`);
    samples[PRUNES_NONE]!.push(await timed(all.backup));
    const before = stamps(two.root);
    samples[PRUNES_ONE]!.push(await timed(two.backup));
    const returned = performance.now();
    const after = stamps(two.root);
    if (after.length !== 2 || after.includes(before[0]!))
      throw new Error(
        `prune: the keep-last-2 run left ${after.join(', ')} (before it: ${before.join(', ')})`,
      );
    const swept = await sweepDone(trash, returned);
    if (swept !== null) sweeps.push({ ms: swept, rssKib: null });
    // The peer: rm -rf of a hard-link copy of one whole backup (the same tree the prune deletes).
    const links = tmpPath(ctx, 'dest', `rmrf-${i}`);
    await setup({ argv: ['cp', '-al', path.join(all.root, stamps(all.root).at(-1)!), links] });
    rmrf.push(await timed({ argv: ['rm', '-rf', links] }));
  }
  const size = { bytes: c.bytes, files: c.files };
  const note = 'no-change runs with auto-prune; keep-last 2 prunes the oldest whole backup on each run';
  for (const [tool, s] of Object.entries(samples))
    ctx.rows.push(row('prune', 'daily backup', tool, s, size, note));
  const op = 'background sweep of one pruned backup';
  const tree = { bytes: null, files: c.files };
  if (sweeps.length > 0) {
    const sweepNote = `from the command's return until ${path.basename(path.dirname(trash))}/trash is empty (a sweeper's start included, polled every 20 ms)`;
    ctx.rows.push(row('prune', op, 'cairn (trash sweep)', sweeps, tree, sweepNote));
  } else
    ctx.notes.push(`${op}: none, the pruning runs left nothing in the trash (deleted before returning).`);
  ctx.rows.push(row('prune', op, 'rm -rf', rmrf, tree, 'a cp -al copy of one backup'));
  await remove(all.dataDir, all.dest, two.dataDir, two.dest);
}
