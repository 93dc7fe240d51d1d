import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRig, type Rig } from '../../../../test/helpers/engine';
import { writeTree } from '../../../../test/helpers/tree';
import { drivePlan, recordDriveQuota, updateDrivePlan } from '../../drive/pack/store';
import { addRemote } from '../../remotes/registry';
import { collectMetrics, formatMetrics, writeAtomic } from './metrics';
import { tempDir } from '../../../../test/helpers/tmp';

const DAY = 86_400_000;
const MiB = 1024 * 1024;
let rig: Rig | null = null;
afterEach(() => {
  rig?.db.close();
  rig = null;
});

function sample(text: string, name: string, labels = 'plan="docs"'): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('cairn metrics from the health model', () => {
  it('gives free space, days until full, growth ratio, issues and the Drive quota', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.bin': 'a'.repeat(MiB) });
    for (let i = 0; i < 4; i++) {
      r.clock.now += DAY;
      if (i) fs.writeFileSync(path.join(r.src, `n${i}.bin`), Buffer.alloc(MiB / 4, i));
      await r.backup();
    }
    recordDriveQuota(r.db, { used: 10 * MiB, limit: 100 * MiB }, r.clock.now);
    // 0.75 MiB added over 3 days; 6 MiB free: full in 24 days (not yet attention, which is under 14 days)
    // but under the 2 GiB floor, so attention all the same.
    const statFs = () => ({ freeBytes: 6 * MiB, totalBytes: 1000 * MiB });
    const text = formatMetrics(collectMetrics(r.db, r.clock.now, statFs));
    expect(sample(text, 'cairn_destination_free_bytes')).toBe(6 * MiB);
    expect(sample(text, 'cairn_destination_size_bytes')).toBe(1000 * MiB);
    expect(sample(text, 'cairn_destination_full_days')).toBeCloseTo(24, 0);
    expect(sample(text, 'cairn_backup_growth_ratio')).toBeCloseTo(1.75 / 1.25, 2);
    expect(sample(text, 'cairn_plan_issue', 'plan="docs",kind="disk-space"')).toBe(1);
    expect(sample(text, 'cairn_plan_status')).toBe(1);
    expect(sample(text, 'cairn_plan_state', 'plan="docs",state="attention"')).toBe(1);
    expect(sample(text, 'cairn_drive_quota_used_bytes')).toBe(10 * MiB);
    expect(sample(text, 'cairn_drive_quota_limit_bytes')).toBe(100 * MiB);
  });

  it('gives each other remote of a plan its bytes waiting, last push and whether it is behind', async () => {
    const r = (rig = makeRig());
    writeTree(r.src, { 'a.bin': 'a'.repeat(MiB) });
    await r.backup();
    const config = { remote: 'nas:b', configFile: null };
    const nas = addRemote(r.db, { name: 'nas', kind: 'rclone', config, planIds: [r.plan.id], now: 1 });
    const c = { remoteId: nas.id, planId: r.plan.id };
    drivePlan(r.db, c, 'box');
    updateDrivePlan(r.db, c, { lastPushAt: 5000, lastErrorAt: 6000, lastErrorMessage: 'refused' });
    const text = formatMetrics(collectMetrics(r.db, r.clock.now, () => null));
    const l = 'plan="docs",remote="nas"';
    expect(sample(text, 'cairn_remote_pending_bytes', l)).toBe(MiB);
    expect(sample(text, 'cairn_remote_last_push_timestamp_seconds', l)).toBe(5);
    expect(sample(text, 'cairn_remote_push_failed', l)).toBe(1);
    expect(sample(text, 'cairn_plan_issue', 'plan="docs",kind="remote-behind"')).toBe(1);
  });
});

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('writeAtomic (the node_exporter textfile)', () => {
  it('keeps the mode of the file it replaces, never widening it', () => {
    const file = path.join(tempDir(), 'cairn.prom');
    for (const m of [0o600, 0o640, 0o644]) {
      fs.writeFileSync(file, 'old\n');
      fs.chmodSync(file, m);
      writeAtomic(file, `cairn_up ${m}\n`);
      expect(mode(file)).toBe(m);
      expect(fs.readFileSync(file, 'utf8')).toBe(`cairn_up ${m}\n`);
    }
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cairn.prom']);
  });

  it('makes a new file readable by node_exporter (0644 less the umask)', () => {
    const file = path.join(tempDir(), 'new.prom');
    writeAtomic(file, 'cairn_up 1\n');
    expect(mode(file)).toBe(0o644 & ~process.umask());
  });
});
