import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NO_COUNTS } from '../../../test/helpers/progress';
import { tempDir } from '../../../test/helpers/tmp';
import { insertBackup, listBackups } from './backups';
import { openCatalog } from './db';
import { insertPlan } from './plans';
import { insertRestore } from './restores';

describe('backups', () => {
  it('marks the safety copies of in-place restores (by their restore, or by their note after an import)', () => {
    const db = openCatalog(path.join(tempDir(), 'data'));
    const plan = insertPlan(db, { name: 'p', dest: '/d', sources: ['/s'] }, 0);
    const add = (i: number, note: string | null = null, manual = false) =>
      insertBackup(db, {
        ...NO_COUNTS,
        planId: plan.id,
        stamp: `2026-01-0${i}_000000`,
        status: 'complete',
        startedAt: i,
        finishedAt: i,
        note,
        pinned: note !== null,
        manual,
      });
    add(1);
    const safety = add(2, 'before restore of p/2026-01-01_000000 on 2026-01-02');
    add(3, 'before restore of the old laptop', true); // a person's own words
    add(4, 'before restore of p/2026-01-01_000000 on 2026-01-04'); // imported: no restores row
    insertRestore(db, {
      planId: plan.id,
      stamp: '2026-01-01_000000',
      safetyBackupId: safety.id,
      safetyStamp: safety.stamp,
      at: 2,
      actor: 'test',
    });
    const flags = listBackups(db, { planId: plan.id }).map((b) => [b.stamp.slice(0, 10), b.safety]);
    expect(flags).toEqual([
      ['2026-01-04', true],
      ['2026-01-03', false],
      ['2026-01-02', true],
      ['2026-01-01', false],
    ]);
  });
});
