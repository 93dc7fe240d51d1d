import fs from 'node:fs';
import path from 'node:path';
import { acquireLock } from '../../backup/lock';
import { planLayout } from '../../format/layout';
import type { Plan } from '../../catalog/plans';
import { CairnError } from '../../errors';

const held = new Set<number>();

/**
 * One Drive job (push, prune) per plan at a time: in this process, and across processes through
 * .cairn/drive.lock beside the plan's backups (when that folder exists; a plan imported from Drive alone
 * has none). Two pushes at once would pack the same content twice.
 */
export async function withDriveLock<T>(plan: Plan, now: number, job: () => Promise<T>): Promise<T> {
  const busy = () =>
    new CairnError(
      'locked',
      `A Drive push or prune of plan ${plan.name} is already running; wait for it to finish.`,
    );
  if (held.has(plan.id)) throw busy();
  const meta = planLayout(plan.dest, plan.name).meta;
  let release: (() => void) | null = null;
  if (fs.existsSync(meta)) {
    try {
      release = acquireLock(path.join(meta, 'drive.lock'), now);
    } catch (e) {
      if (e instanceof CairnError && e.code === 'locked') throw busy();
      throw e;
    }
  }
  held.add(plan.id);
  try {
    return await job();
  } finally {
    held.delete(plan.id);
    release?.();
  }
}
