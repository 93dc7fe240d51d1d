// The catalog's per-folder and per-path reads must search the (plan_id, parent, name) index: SQLite may
// prefer another index of file_versions (the one What changed needs, on first_backup) and then scan every
// version of the plan, which no test of a small catalog would notice but a year of 100,000 files would.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRig } from '../../../test/helpers/engine';
import type { Db } from './db';
import { fileTimeline } from './timeline';
import { listFolder, versionAt } from './versions';

/** Runs `f` and gives the query plan of every statement it prepared. */
function plansOf(db: Db, f: () => void): string[] {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  const spy = ((sql: string) => (seen.push(sql), prepare(sql))) as Db['prepare'];
  db.prepare = spy;
  try {
    f();
  } finally {
    db.prepare = prepare;
  }
  return seen
    .filter((sql) => sql.includes('file_versions'))
    .map((sql) => {
      const params = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((m) => [m[1], 1]));
      const positional = [...sql.matchAll(/\?/g)].map(() => 1);
      const stmt = prepare(`EXPLAIN QUERY PLAN ${sql}`);
      const rows = (Object.keys(params).length ? stmt.all(params) : stmt.all(...positional)) as {
        detail: string;
      }[];
      return rows.map((r) => r.detail).join('; ');
    });
}

describe('catalog query plans', () => {
  it('lists a folder, finds a path in a backup and reads a timeline through the (plan, parent, name) index', async () => {
    const rig = makeRig();
    fs.writeFileSync(path.join(rig.src, 'a.txt'), 'a');
    const b = (await rig.backup()).backup;
    const plans = [
      ...plansOf(rig.db, () => listFolder(rig.db, rig.plan.id, b.id, 'src')),
      ...plansOf(rig.db, () => versionAt(rig.db, rig.plan.id, b.id, 'src/a.txt')),
      ...plansOf(rig.db, () => fileTimeline(rig.db, rig.plan.id, 'src/a.txt')),
    ];
    expect(plans.length).toBeGreaterThanOrEqual(3);
    for (const p of plans) expect(p).toMatch(/USING INDEX file_versions_dir \(plan_id=\? AND parent=\?/);
  });
});
