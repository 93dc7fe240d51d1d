// Issue 16 item 6: `cairn drive status` says how much waits to go up from what Drive lacks (each content of
// the backups not on Drive yet, once, that no uploaded pack holds), not from the backups' sizes: copies,
// renames and a content seen in two backups cost nothing. The figure is what the next push then packs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import type { PushResult } from '../electron/engine/drive/pack/push';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../electron/engine/drive/pack/settings';
import type { DriveStatusView } from '../electron/engine/drive/pack/status';
import { spawnEmulator, type SpawnedEmulator } from './drive-emulator/spawn';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';

const MiB = 1024 * 1024;
let emu: SpawnedEmulator;
beforeAll(async () => {
  emu = await spawnEmulator();
});
afterAll(async () => {
  await emu.stop();
});

describe('bytes waiting to go up to Drive', () => {
  it('counts each content Drive lacks once, and equals what the next push packs', () => {
    const root = tempDir('cairn-pending-');
    const src = path.join(root, 'src');
    fs.mkdirSync(src);
    const o = { dataDir: path.join(root, 'data'), env: emu.env };
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')], o).code).toBe(
      0,
    );
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
  });
});
