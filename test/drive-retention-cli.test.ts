// Issue 16 item 6: `cairn plan edit --drive-keep-*` sets the plan's own Drive retention, which
// `cairn drive prune` then follows; and `cairn drive status` says how much waits to go up from what Drive lacks (each content of
// the backups not on Drive yet, once, that no uploaded pack holds), not from the backups' sizes: copies,
// renames and a content seen in two backups cost nothing. The figure is what the next push then packs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import type { PushResult } from '../electron/engine/drive/pack/push';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../electron/engine/drive/pack/settings';
import type { DriveStatusView } from '../electron/engine/drive/pack/status';
import { cairn, cairnJson } from './helpers/cli';
import { useSpawnedEmulator } from './helpers/cliDrive';
import { tempDir } from './helpers/tmp';

const MiB = 1024 * 1024;
const emu = useSpawnedEmulator();

describe('bytes waiting to go up to Drive', () => {
  it('counts each content Drive lacks once, and equals what the next push packs', () => {
    const root = tempDir('cairn-pending-');
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    const o = { dataDir: path.join(root, 'data'), env: emu().env };
    const add = ['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')];
    expect(cairn([...add, '--keep-within', '0', '--no-auto-prune'], o).code).toBe(0);
    const db = openCatalog(o.dataDir);
    setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, false);
    db.close();
    const waiting = () => {
      const s = cairnJson<DriveStatusView>(['drive', 'status'], o);
      expect(s.code, s.stderr).toBe(0);
      return s.value.plans[0]!.pendingBytes;
    };
    const push = () => {
      const r = cairnJson<PushResult[]>(['drive', 'push'], o);
      expect(r.code, r.stderr).toBe(0);
      return r.value[0]!;
    };
    const big = crypto.randomBytes(8 * MiB);
    fs.writeFileSync(path.join(src, 'big.bin'), big);
    expect(cairn(['backup'], o).code).toBe(0);
    expect(waiting()).toBe(8 * MiB);
    expect(push().contentBytes).toBe(8 * MiB);
    expect(waiting()).toBe(0);
    // Two more backups: a copy of what Drive has, then one new file, renamed in the backup after.
    fs.writeFileSync(path.join(src, 'copy-of-big.bin'), big);
    fs.writeFileSync(path.join(src, 'new.bin'), crypto.randomBytes(MiB));
    expect(cairn(['backup'], o).code).toBe(0);
    fs.renameSync(path.join(src, 'new.bin'), path.join(src, 'moved.bin'));
    fs.renameSync(path.join(src, 'big.bin'), path.join(src, 'big-renamed.bin'));
    expect(cairn(['backup'], o).code).toBe(0);
    const listed = cairnJson<{ newBytes: number }[]>(['list'], o).value;
    // The backups' own new bytes say 8 + 1 + 9 MiB; Drive lacks 1 MiB.
    expect(listed.slice(0, 2).reduce((n, b) => n + b.newBytes, 0)).toBeGreaterThan(9 * MiB);
    expect(waiting()).toBe(MiB);
    const second = push();
    expect(second.pushed).toHaveLength(2);
    expect(second.contentBytes).toBe(MiB);
    expect(waiting()).toBe(0);
    // Three backups on Drive, all of today: the local rules keep one a day; Drive's own keep the last two.
    const edit = cairnJson<{ drive: Record<string, number> }>(
      [
        'plan',
        'edit',
        'home',
        '--drive-keep-last',
        '2',
        '--drive-keep-daily',
        '0',
        '--drive-keep-weekly',
        '0',
      ],
      o,
    );
    expect(edit.code, edit.stderr).toBe(0);
    expect(edit.value.drive).toMatchObject({ keepLast: 2, keepDaily: 0, keepWeekly: 0, keepMonthly: 12 });
    expect(cairn(['plan', 'show', 'home'], o).stdout).toMatch(
      /on Drive +last 2, daily 0, weekly 0, monthly 12/,
    );
    expect(cairn(['plan', 'edit', 'home', '--drive-keep-monthly', '0'], o).code).toBe(0);
    const dry = cairnJson<{ items: { keep: boolean; reasons: string[] }[] }[]>(
      ['drive', 'prune', 'home', '--dry-run'],
      o,
    );
    expect(dry.code, dry.stderr).toBe(0);
    const kept = dry.value[0]!.items.filter((i) => i.keep);
    expect(kept, JSON.stringify(dry.value)).toHaveLength(2);
    expect(kept.map((i) => i.reasons.join(';'))).toEqual([
      expect.stringMatching(/last/),
      expect.stringMatching(/last/),
    ]);
    // The local copy still follows its own rules: the newest of the day and the oldest; Drive the two newest.
    type Dry = { items: { stamp?: string; backup?: { stamp: string }; keep: boolean }[] };
    const pruned = (d: Dry) => d.items.filter((i) => !i.keep).map((i) => i.stamp ?? i.backup?.stamp);
    const local = cairnJson<Dry>(['prune', 'home', '--dry-run'], o).value;
    const stamps = dry.value[0]!.items.map((i) => (i as unknown as { stamp: string }).stamp);
    expect(pruned(dry.value[0] as unknown as Dry)).toEqual([stamps[2]]);
    expect(pruned(local)).toEqual([stamps[1]]);
  });

  it('refuses a Drive count that is not a whole number from 0, changing nothing', () => {
    const root = tempDir('cairn-drive-keep-');
    fs.mkdirSync(path.join(root, 'src'));
    const o = { dataDir: path.join(root, 'data') };
    const add = ['plan', 'add', 'p', '--source', path.join(root, 'src'), '--dest', path.join(root, 'dest')];
    expect(cairn(add, o).code).toBe(0);
    for (const bad of ['-1', 'abc', '1.5']) {
      const r = cairn(['plan', 'edit', 'p', '--drive-keep-daily', bad], o);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--drive-keep-daily takes a whole number (got "${bad}")`);
      expect(r.stdout).toBe('');
    }
    expect(cairn(['plan', 'show', 'p'], o).stdout).not.toMatch(/on Drive/);
    expect(cairn(['plan', 'edit', 'p', '--drive-keep-yearly', '3'], o).stdout).toMatch(/on Drive .*yearly 3/);
  });
});
