import { describe, expect, it } from 'vitest';
import { addBackup, planCatalog } from '../../../test/helpers/catalog';
import { deleteDeadVersions } from './prune';

describe('deleteDeadVersions', () => {
  it('removes exactly the versions no remaining backup holds', () => {
    const c = planCatalog();
    const { db, plan } = c;
    const ids = [1, 2, 3, 4, 5].map((i) => addBackup(c, i).id);
    const ins = db.prepare(
      `INSERT INTO file_versions (plan_id, parent, name, kind, size, mtime_ms, mode, sha256, first_backup, last_backup)
       VALUES (?, '', ?, 'f', 1, 0, 420, 'x', ?, ?)`,
    );
    const ranges: [string, number, number | null][] = [
      ['only-in-2', ids[1]!, ids[1]!],
      ['2-to-3', ids[1]!, ids[2]!],
      ['1-to-2', ids[0]!, ids[1]!],
      ['3-to-4', ids[2]!, ids[3]!],
      ['open-from-3', ids[2]!, null],
      ['only-in-4', ids[3]!, ids[3]!],
      ['everywhere', ids[0]!, null],
    ];
    for (const [name, first, last] of ranges) ins.run(plan.id, name, first, last);
    // Prune backups 2 and 3 (keeping 1, 4, 5).
    db.prepare('DELETE FROM backups WHERE id IN (?, ?)').run(ids[1], ids[2]);
    deleteDeadVersions(db, plan.id, [ids[0]!, ids[3]!, ids[4]!], [ids[1]!, ids[2]!]);
    const left = (db.prepare('SELECT name FROM file_versions ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(left).toEqual(['1-to-2', '3-to-4', 'everywhere', 'only-in-4', 'open-from-3']);
  });
});
