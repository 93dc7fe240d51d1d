import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRig } from '../../../test/helpers/engine';
import { deleteDeadVersions } from '../retention/prune';
import { fileTimeline } from './timeline';

describe('fileTimeline', () => {
  it('lists every version of a path newest first, with what changed and the backups that hold each', async () => {
    const rig = makeRig();
    const file = path.join(rig.src, 'notes.txt');
    const write = (text: string, mtime: number) => {
      fs.writeFileSync(file, text);
      fs.utimesSync(file, mtime, mtime);
    };
    write('one\n', 1_000_000);
    const b1 = (await rig.backup()).backup.stamp;
    const b2 = (await rig.backup()).backup.stamp; // unchanged: the same version
    write('two!\n', 2_000_000);
    const b3 = (await rig.backup()).backup.stamp;
    write('two!\n', 3_000_000); // only the date changed
    const b4 = (await rig.backup()).backup.stamp;
    fs.rmSync(file);
    const b5 = (await rig.backup()).backup.stamp;
    write('three\n', 4_000_000); // back after one backup without it
    const b6 = (await rig.backup()).backup.stamp;

    const t = fileTimeline(rig.db, rig.plan.id, 'src/notes.txt');
    expect(t.map((v) => [v.change, v.size, v.mtimeMs / 1000, v.absentBefore, v.stamps])).toEqual([
      ['changed', 6, 4_000_000, 1, [b6]],
      ['same', 5, 3_000_000, 0, [b4]],
      ['changed', 5, 2_000_000, 0, [b3]],
      ['first', 4, 1_000_000, 0, [b2, b1]],
    ]);
    expect(t.every((v) => v.kind === 'file' && /^[0-9a-f]{64}$/.test(v.sha256!))).toBe(true);
    expect(t[1]!.sha256).toBe(t[2]!.sha256);
    expect(t[0]!.sha256).not.toBe(t[1]!.sha256);
    expect(t.flatMap((v) => v.stamps)).not.toContain(b5);
    expect(fileTimeline(rig.db, rig.plan.id, 'src/missing.txt')).toEqual([]);
  });

  it('leaves out the backups that were pruned, and versions no kept backup holds', async () => {
    const rig = makeRig();
    const file = path.join(rig.src, 'a.txt');
    fs.writeFileSync(file, 'a');
    const b1 = (await rig.backup()).backup;
    fs.writeFileSync(file, 'bb');
    const b2 = (await rig.backup()).backup;
    const b3 = (await rig.backup()).backup;
    fs.writeFileSync(file, 'ccc');
    const b4 = (await rig.backup()).backup;
    expect(fileTimeline(rig.db, rig.plan.id, 'src/a.txt').map((v) => v.size)).toEqual([3, 2, 1]);
    // Prune b1 and b2 as retention does: the rows of the backups and the versions nothing else holds.
    rig.db.transaction(() => {
      rig.db.prepare('DELETE FROM backups WHERE id IN (?, ?)').run(b1.id, b2.id);
      deleteDeadVersions(rig.db, rig.plan.id, [b3.id, b4.id], [b1.id, b2.id]);
    })();
    const t = fileTimeline(rig.db, rig.plan.id, 'src/a.txt');
    expect(t.map((v) => [v.size, v.change, v.stamps])).toEqual([
      [3, 'changed', [b4.stamp]],
      [2, 'first', [b3.stamp]],
    ]);
  });
});
