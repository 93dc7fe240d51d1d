// A catalog with one plan and hand-made backups, for tests of the catalog and of retention.
import path from 'node:path';
import { insertBackup } from '../../electron/engine/catalog/backups';
import { openCatalog } from '../../electron/engine/catalog/db';
import { insertPlan } from '../../electron/engine/catalog/plans';
import { NO_COUNTS } from './progress';
import { tempDir } from './tmp';

/** A catalog in a temp folder with plan "p" (destination /d, source /s). */
export function planCatalog() {
  const db = openCatalog(path.join(tempDir(), 'data'));
  const plan = insertPlan(db, { name: 'p', dest: '/d', sources: ['/s'] }, 0);
  return { db, plan };
}

/** Adds complete backup `i` (1 to 9) of plan "p": stamp 2026-01-0<i>_000000, started and finished at `i`. */
export function addBackup(
  c: ReturnType<typeof planCatalog>,
  i: number,
  more: Partial<Parameters<typeof insertBackup>[1]> = {},
) {
  return insertBackup(c.db, {
    ...NO_COUNTS,
    planId: c.plan.id,
    stamp: `2026-01-0${i}_000000`,
    status: 'complete',
    startedAt: i,
    finishedAt: i,
    ...more,
  });
}
