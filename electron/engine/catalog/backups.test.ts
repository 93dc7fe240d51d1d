import { describe, expect, it } from 'vitest';
import { addBackup, planCatalog } from '../../../test/helpers/catalog';
import { listBackups } from './backups';
import { insertRestore } from './restores';

describe('backups', () => {
  it('marks the safety copies of in-place restores (by their restore, or by their note after an import)', () => {
    const c = planCatalog();
    const { db, plan } = c;
    const add = (i: number, note: string | null = null, manual = false) =>
      addBackup(c, i, { note, pinned: note !== null, manual });
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
