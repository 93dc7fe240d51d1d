import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeTree } from '../../../../test/helpers/tree';
import { planLayout } from '../../format/layout';
import { serviceKit, value } from '../../../../test/helpers/service';

const kit = serviceKit();

/** A service over a plan with two backups; the second adds a 10,000-byte file. */
async function setup() {
  const { src, dest, service, api } = kit({ 'a.txt': 'alpha' }, 'docs');
  value(await api.planCreate({ name: 'home', dest, sources: [src] }));
  const first = (await service.runs.request('home', { actor: 'test' }).done).backup!;
  writeTree(src, { 'b.bin': 'b'.repeat(10_000) });
  const second = (await service.runs.request('home', { actor: 'test' }).done).backup!;
  return { dest, service, api, first, second };
}

describe('History through the contract', () => {
  it('previews, refuses without confirm or while pinned, then removes one backup', async () => {
    const { dest, service, api, first, second } = await setup();
    const ref = { plan: 'home', stamp: second.stamp };
    const p = value(await api.backupRemovePreview(ref));
    expect(p).toMatchObject({ freedFiles: 1, freedBytes: 10_000, newest: true, only: false, refusals: [] });
    expect(p.warnings.join(' ')).toMatch(/Google Drive.*not touched/);

    const unconfirmed = await api.backupRemove(ref as never);
    expect(unconfirmed.ok ? null : unconfirmed.error.code).toBe('invalid-input');

    value(await api.backupPin({ ...ref, note: 'keep me' }));
    const pinned = await api.backupRemove({ ...ref, confirm: true });
    expect(pinned.ok ? null : pinned.error).toMatchObject({
      code: 'conflict',
      message: /pinned \("keep me"\)/,
    });
    value(await api.backupUnpin(ref));

    // Not beside a backup of the plan.
    const job = service.ctx.jobs.begin('backup', { dest, name: 'home' }, 'test');
    const busy = await api.backupRemove({ ...ref, confirm: true });
    expect(busy.ok ? null : busy.error.code).toBe('locked');
    job.end();

    const done = value(await api.backupRemove({ ...ref, confirm: true }));
    expect(done.freedBytes).toBe(10_000);
    const left = value(await api.backupList({ plan: 'home' })).backups.map((b) => b.stamp);
    expect(left).toEqual([first.stamp]);
    expect(fs.existsSync(planLayout(dest, 'home').backupDir(second.stamp))).toBe(false);
    const only = value(await api.backupRemovePreview({ plan: 'home', stamp: first.stamp }));
    expect(only.refusals[0]).toMatch(/only backup/);
  });

  it('lists the activity of one backup', async () => {
    const { api, first, second } = await setup();
    value(await api.backupPin({ plan: 'home', stamp: first.stamp, note: 'before the move' }));
    const log = value(await api.activityList({ backupId: first.id })).entries;
    expect(log.length).toBeGreaterThan(1);
    expect(log.every((e) => e.backupId === first.id)).toBe(true);
    expect(log[0]!.message).toMatch(/pinned: before the move/);
    const other = value(await api.activityList({ backupId: second.id })).entries;
    expect(other.some((e) => /pinned/.test(e.message))).toBe(false);
  });
});
