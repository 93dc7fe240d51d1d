import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../../../test/helpers/tree';
import { serviceKit, value } from '../../../../test/helpers/service';

const kit = serviceKit();

async function setup() {
  const files = { 'a.txt': 'alpha', 'sub/b.txt': 'beta', 'sub/link': { symlink: 'b.txt' } };
  const { root, src, dest, service, api } = kit(files, 'docs');
  value(await api.planCreate({ name: 'home', dest, sources: [src] }));
  const first = await service.runs.request('home', { actor: 'test' }).done;
  return { root, src, dest, service, api, stamp: first.backup!.stamp };
}

describe('restore, verify and retention through the contract', () => {
  it('restores to a folder after a dry run, and in place with an undo', async () => {
    const { root, src, api, service, stamp } = await setup();
    const to = path.join(root, 'restored');
    const dry = value(
      await api.restore({ plan: 'home', stamp, paths: [], target: { mode: 'to', dir: to }, dryRun: true }),
    );
    expect(dry).toMatchObject({ dryRun: true, written: 2, failed: [] });
    expect(fs.existsSync(to)).toBe(false);
    const done = value(
      await api.restore({ plan: 'home', stamp, paths: [], target: { mode: 'to', dir: to }, dryRun: false }),
    );
    expect(done).toMatchObject({ written: 2, verified: 2, failed: [], safetyBackup: null });
    expect(diffTrees(src, path.join(to, 'docs'))).toEqual([]);

    fs.writeFileSync(path.join(src, 'a.txt'), 'edited by mistake');
    const back = value(
      await api.restore({
        plan: 'home',
        stamp,
        paths: ['docs/a.txt'],
        target: { mode: 'in-place' },
        dryRun: false,
      }),
    );
    expect(fs.readFileSync(path.join(src, 'a.txt'), 'utf8')).toBe('alpha');
    expect(back.safetyBackup).not.toBeNull();
    const list = value(await api.backupList({ plan: 'home' }));
    expect(list.backups.find((b) => b.stamp === back.safetyBackup!.stamp)!.pinned).toBe(true);
    const undoInput = { plan: 'home', safetyStamp: back.safetyBackup!.stamp };
    const undo = value(await api.restoreUndo(undoInput));
    expect(undo).toMatchObject({ reverted: 1, kept: [], failed: [], released: true });
    expect(fs.readFileSync(path.join(src, 'a.txt'), 'utf8')).toBe('edited by mistake');
    expect(await api.restoreUndo(undoInput)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/already undone/) },
    });
    const after = value(await api.backupList({ plan: 'home' }));
    expect(after.backups.find((b) => b.stamp === back.safetyBackup!.stamp)!.pinned).toBe(false);
    await service.runs.cancelAll();
  });

  it('verify finds a changed file by path', async () => {
    const { dest, api, stamp } = await setup();
    expect(value(await api.verify({ plan: 'home' })).results[0]).toMatchObject({ stamp, intact: true });
    const f = path.join(dest, 'home', stamp, 'docs', 'a.txt');
    fs.chmodSync(f, 0o644);
    fs.writeFileSync(f, 'alphA');
    const r = value(await api.verify({ plan: 'home', stamp }));
    expect(r.results[0]).toMatchObject({ intact: false, changed: ['docs/a.txt'] });
    expect(value(await api.backupGet({ plan: 'home', stamp })).backup.verifiedAt).not.toBeNull();
  });

  it('previews retention with unsaved edits, prunes only what the preview showed, keeps pins', async () => {
    const { api, service, stamp } = await setup();
    await new Promise((r) => setTimeout(r, 1100));
    const second = (await service.runs.request('home', { actor: 'test' }).done).backup!.stamp;
    const keepOne = {
      keepLast: 1,
      keepDaily: 0,
      keepWeekly: 0,
      keepMonthly: 0,
      keepYearly: 0,
      keepWithinHours: 0,
    };
    const pv = value(await api.retentionPreview({ plan: 'home', policy: keepOne }));
    expect(pv.items.map((x) => [x.stamp, x.keep])).toEqual([
      [second, true],
      [stamp, false],
    ]);
    // The saved policy (7 daily...) keeps both: a prune now prunes nothing, and one expecting otherwise is refused.
    expect(await api.prune({ plan: 'home', dryRun: false, expect: [stamp] })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    value(await api.retentionSet({ plan: 'home', local: keepOne }));
    value(await api.backupPin({ plan: 'home', stamp, note: 'keep me' }));
    const dry = value(await api.prune({ plan: 'home', dryRun: true }));
    expect(dry.pruned).toEqual([]);
    value(await api.backupUnpin({ plan: 'home', stamp }));
    const pruned = value(await api.prune({ plan: 'home', dryRun: false, expect: [stamp] }));
    expect(pruned).toMatchObject({ pruned: [stamp], kept: [second] });
    expect(value(await api.backupList({ plan: 'home' })).backups.map((b) => b.stamp)).toEqual([second]);
    expect(await api.retentionSet({ plan: 'home', drive: keepOne })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });
});
