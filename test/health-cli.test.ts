import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import { findPlan } from '../electron/engine/catalog/plans';
import { driveCopy, drivePlan, updateDrivePlan } from '../electron/engine/drive/pack/store';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

type StatusJson = { overall: string; plans: { state: string; reasons: string[] }[] };

function metric(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('cairn status and metrics read the one health model (README "Is it safe?")', () => {
  it('healthy exits 0; the disk away exits 1 (not "healthy"), and after a failed run for want of it, back: waiting to run, exit 1', () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const src = path.join(root, 'src');
    const dest = path.join(root, 'dest');
    writeTree(src, { 'a.txt': 'alpha' });
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);

    const healthy = cairnJson<StatusJson>(['status'], { dataDir });
    expect([healthy.code, healthy.value.plans[0]!.state]).toEqual([0, 'healthy']);
    const m = cairn(['metrics'], { dataDir }).stdout;
    expect(metric(m, 'cairn_plan_status')).toBe(0);
    const free = fs.statfsSync(dest);
    expect(Math.abs(metric(m, 'cairn_destination_free_bytes')! - free.bavail * free.bsize)).toBeLessThan(
      512 * 2 ** 20,
    );
    expect(metric(m, 'cairn_destination_size_bytes')).toBe(free.blocks * free.bsize);

    // The backup folder renamed (a disk unplugged): not "healthy", exit 1 as the README says.
    fs.renameSync(dest, dest + '.away');
    const away = cairn(['status'], { dataDir });
    expect(away.code).toBe(1);
    expect(away.stdout).toMatch(/home +DISK NOT CONNECTED/);
    expect(away.stdout).toMatch(/The backup disk \(.*\) is not connected/);
    const am = cairn(['metrics'], { dataDir }).stdout;
    expect(metric(am, 'cairn_plan_status')).toBe(1);
    expect(am).toContain('cairn_plan_issue{plan="home",kind="disk-away"} 1');
    expect(metric(am, 'cairn_destination_free_bytes')).toBeUndefined();

    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(2);
    expect(cairn(['status'], { dataDir }).code).toBe(1);
    fs.renameSync(dest + '.away', dest);
    const back = cairnJson<StatusJson>(['status'], { dataDir });
    expect([back.code, back.value.plans[0]!.state]).toEqual([1, 'waiting-run']);
    expect(back.value.plans[0]!.reasons[0]).toMatch(/is back: the backup that could not run then starts/);
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);
    expect(cairn(['status'], { dataDir }).code).toBe(0);
  });

  it("after Drive's invalid_grant stopped a push, status needs attention (exit 1) and says to reconnect", () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const src = path.join(root, 'src');
    writeTree(src, { 'a.txt': 'alpha' });
    expect(
      cairn(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')], { dataDir }).code,
    ).toBe(0);
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);
    const db = openCatalog(dataDir);
    const planId = findPlan(db, 'home')!.id;
    drivePlan(db, driveCopy(planId), 'laptop');
    // What pushPlan records when Google answers invalid_grant (drive/pack/push.ts, drive/errors.ts).
    updateDrivePlan(db, driveCopy(planId), {
      lastErrorCode: 'invalid_grant',
      lastErrorMessage: 'Drive link expired: reconnect with `cairn drive connect`.',
      lastErrorAt: Date.now(),
    });
    db.close();
    const s = cairn(['status'], { dataDir });
    expect(s.code).toBe(1);
    expect(s.stdout).toMatch(/home +ATTENTION/);
    expect(s.stdout).toMatch(/Drive copy is not kept up to date: Drive link expired/);
  });
});
