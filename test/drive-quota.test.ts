import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import { findPlan } from '../electron/engine/catalog/plans';
import { clockTime } from '../electron/engine/drive/errors';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../electron/engine/drive/pack/settings';
import type { DriveStatusView } from '../electron/engine/drive/pack/status';
import { driveCopy, findDrivePlan } from '../electron/engine/drive/pack/store';
import { spawnEmulator, type SpawnedEmulator } from './drive-emulator/spawn';
import { cairn, cairnJson, cairnSpawn } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

let emu: SpawnedEmulator;
beforeAll(async () => {
  emu = await spawnEmulator();
});
afterAll(async () => {
  await emu.stop();
});

/** A Drive grant of its own, so a test that revokes grants leaves the next one a working link. */
async function freshGrant(): Promise<string> {
  const r = await again(() => fetch(`${emu.url}__admin/refresh-token`, { method: 'POST' }));
  return ((await r.json()) as { refresh_token: string }).refresh_token;
}

/** A keep-alive socket the emulator closed fails once; ask again. */
async function again<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= 3) throw e;
    }
  }
}

/** A plan backed up once, with Drive linked to the emulator (its pushes by hand unless `autoPush`). */
async function setup(autoPush = false) {
  const root = tempDir('cairn-drive-quota-');
  const src = path.join(root, 'src');
  const dataDir = path.join(root, 'data');
  writeTree(src, { 'a.txt': 'alpha', 'b/c.bin': Buffer.alloc(300_000, 7) });
  const env = { ...emu.env, CAIRN_DRIVE_REFRESH_TOKEN: await freshGrant() };
  const o = { dataDir, env, timeoutMs: 60_000 };
  expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')], o).code).toBe(0);
  const db = openCatalog(dataDir);
  setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, autoPush);
  setDriveSetting(db, DRIVE_SETTING_KEYS.machine, `quota-${path.basename(root)}`);
  db.close();
  expect(cairn(['backup', 'home'], o).code).toBe(0);
  return { root, src, dataDir, o };
}

/** The plan's Drive row as the catalog has it now (another process writes it). */
function drivePlanNow(dataDir: string) {
  const db = openCatalog(dataDir);
  try {
    return findDrivePlan(db, driveCopy(findPlan(db, 'home')!.id));
  } finally {
    db.close();
  }
}

describe("Google's limits and the Drive status (CLI against the emulator in its own process)", () => {
  it("while a push waits for Google's daily limit in another process, drive status answers in under 2 s and says until when", async () => {
    const k = await setup();
    // Google's daily cap, with a Retry-After of an hour: every request is refused.
    await again(() => emu.fault({ kind: 'user-rate-limit', times: 100_000, retryAfter: '3600' }));
    const push = cairnSpawn(['drive', 'push'], k.o);
    let stderr = '';
    push.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    try {
      let row = drivePlanNow(k.dataDir);
      for (let i = 0; i < 300 && !row?.resumesAt; i++) {
        await new Promise((r) => setTimeout(r, 100));
        row = drivePlanNow(k.dataDir);
      }
      const resumesAt = row!.resumesAt!;
      expect(resumesAt).toBeGreaterThan(0);
      // The push records the wait, then says so on stderr: the line may still be on its way (the calls
      // below are synchronous, and this process reads the pipe only between them).
      for (let i = 0; i < 50 && !stderr.includes("Waiting for Google's daily limit"); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(push.exitCode).toBeNull(); // still waiting, not stopped

      // Node's start is measured apart (a command that does not reach Drive): the machine may be busy.
      const timed = (args: string[]) => {
        const t0 = performance.now();
        const r = cairn(args, k.o);
        return { r, ms: performance.now() - t0 };
      };
      const base = timed(['plan', 'list']);
      const { r: st, ms } = timed(['drive', 'status']);
      console.log(`drive status: ${Math.round(ms)} ms (plan list: ${Math.round(base.ms)} ms)`);
      expect(ms - base.ms).toBeLessThan(2000);
      expect(st.code).toBe(0);
      expect(st.stdout).toMatch(/^Google Drive: connected/);
      expect(st.stdout).toContain(`Waiting for Google's daily limit, resumes about ${clockTime(resumesAt)}.`);
      const js = cairnJson<DriveStatusView>(['drive', 'status'], k.o);
      expect(js.value.plans[0]!.resumesAt).toBe(resumesAt);
      expect(js.value.plans[0]!.waiting).toBe(
        `Waiting for Google's daily limit, resumes about ${clockTime(resumesAt)}.`,
      );
      expect(stderr).toContain("Waiting for Google's daily limit");

      // The health model says so too: attention (exit 1), with when, not a failure.
      const status = cairn(['status'], k.o);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain(`resumes about ${clockTime(resumesAt)}`);
    } finally {
      push.kill('SIGTERM');
      await new Promise((r) => push.once('exit', r));
      await again(() => emu.clearFaults());
    }
  });

  it('after invalid_grant, cairn status is not healthy: the Drive link issue', async () => {
    const k = await setup();
    expect(cairn(['drive', 'push'], k.o).code).toBe(0);
    expect(cairn(['status'], k.o).code).toBe(0);
    await again(() => emu.revokeGrants());
    const st = cairn(['drive', 'status'], k.o);
    expect(st.stdout + st.stderr).toMatch(/Drive link expired/);
    const s = cairn(['status'], k.o);
    expect(s.code).not.toBe(0);
    expect(s.stdout).toMatch(/Drive link expired/);
  });

  it('after invalid_grant in the push after a backup, cairn status is not healthy', async () => {
    const k = await setup(true);
    expect(cairn(['status'], k.o).code).toBe(0);
    await again(() => emu.revokeGrants());
    fs.writeFileSync(path.join(k.src, 'new.txt'), 'new');
    cairn(['backup', 'home'], k.o);
    const s = cairn(['status'], k.o);
    expect(s.code).not.toBe(0);
    expect(s.stdout).toMatch(/Drive link expired/);
  });
});
