// A `cairn` command leaves a big trash to a child process that outlives it (DESIGN.md: the trash).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { Plan } from '../engine/catalog/plans';
import { TrashSweeps } from '../engine/app/trashSweeps';

/** A prune or removal of fewer files and folders than this is swept inline, as the command's last step. */
export const INLINE_SWEEP_ENTRIES = 5000;

/**
 * Starts `cairn sweep-trash` for the plan, detached, at a low priority, with no output: this command returns
 * at once and the child, which never opens the catalog, deletes the trash.
 */
function spawnSweep(cli: string, plan: Pick<Plan, 'dest' | 'name'>): void {
  const child = spawn(process.execPath, [cli, 'sweep-trash', '--dest', plan.dest, '--plan', plan.name], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined); // the next command's sweep goes on with the trash
  try {
    if (child.pid) os.setPriority(child.pid, 10);
  } catch {
    // a lower priority is a courtesy; without it the sweep runs all the same
  }
  child.unref();
}

/** The CLI's trash sweeps: small prunes inline, big ones and leftovers in a detached child. */
export function cliTrashSweeps(): TrashSweeps {
  const cli = process.argv[1];
  // Not started as `cairn` (an embedding): sweep on threads in this process, which then waits for them.
  if (!cli || !fs.existsSync(cli)) return new TrashSweeps({ inlineBelow: INLINE_SWEEP_ENTRIES });
  return new TrashSweeps({ inlineBelow: INLINE_SWEEP_ENTRIES, detach: (plan) => spawnSweep(cli, plan) });
}
