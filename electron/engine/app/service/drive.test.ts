import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CairnEvent } from '../../../../shared/cairnEvents';
import { emulatorEnv } from '../../../../test/drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../../../../test/drive-emulator/server';
import { tempDir } from '../../../../test/helpers/tmp';
import { diffTrees, writeTree } from '../../../../test/helpers/tree';
import { collectMetrics, formatMetrics } from '../ops/metrics';
import { openCatalog, type Db } from '../../catalog/db';
import { loadDriveKey } from '../../drive/pack/crypto';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../../drive/pack/settings';
import {
  driveCopy,
  drivePlan,
  findDrivePlan,
  listDriveManifests,
  updateDrivePlan,
} from '../../drive/pack/store';
import { DRIVE_TOKENS_KEY, FileSecretStore } from '../../secrets/store';
import { logNotifier } from '../../notify/log';
import { CairnRuntime, DRIVE_RESUME_GRACE_MS } from './runtime';
import { CairnService } from './service';

let emu: DriveEmulator;
let db: Db | null = null;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
});
afterAll(async () => {
  await emu.stop();
});
afterEach(() => {
  db?.close();
  db = null;
});

async function until(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function setup(env: NodeJS.ProcessEnv) {
  const root = tempDir();
  db = openCatalog(path.join(root, 'data'));
  const secrets = new FileSecretStore(path.join(root, 'data'));
  const opened: string[] = [];
  const service = new CairnService({
    secrets,
    db,
    actor: 'test',
    drive: { secrets, env, openUrl: (u) => opened.push(u) },
  });
  const events: CairnEvent[] = [];
  service.bus.on((e) => events.push(e));
  return { root, secrets, service, api: service.api(), events, opened };
}

/** A runtime linked to the emulator, with plan "home" created and backed up once (the caller closes it). */
async function runtimeAfterBackup(o: {
  autoPush?: boolean;
  now?: () => number;
  log?: (line: string) => void;
}) {
  const root = tempDir();
  const catalog = openCatalog(path.join(root, 'data'));
  db = catalog;
  const secrets = new FileSecretStore(path.join(root, 'data'));
  if (o.autoPush === false) setDriveSetting(catalog, DRIVE_SETTING_KEYS.autoPush, false);
  const rt = new CairnRuntime({
    db: catalog,
    secrets,
    actor: 'test',
    now: o.now,
    localNotifier: logNotifier(() => {}),
    log: o.log ?? (() => {}),
    watch: false,
    drive: { secrets, env: emulatorEnv(emu, emu.issueRefreshToken()) },
  });
  const events: CairnEvent[] = [];
  rt.service.bus.on((e) => events.push(e));
  try {
    writeTree(path.join(root, 'src'), { 'a.txt': 'alpha' });
    await rt.service.call('planCreate', {
      name: 'home',
      dest: path.join(root, 'dest'),
      sources: [path.join(root, 'src')],
    });
    await rt.service.runs.request('home', { actor: 'test' }).done;
  } catch (e) {
    await rt.close();
    throw e;
  }
  return { rt, events, db: catalog };
}

describe('Drive through the service', () => {
  it('pushes a plan in the background and tells its progress', async () => {
    const { root, service, api, events } = setup(emulatorEnv(emu, emu.issueRefreshToken()));
    writeTree(path.join(root, 'src'), { 'a.txt': 'alpha', 'b/c.txt': 'gamma' });
    await api.planCreate({ name: 'home', dest: path.join(root, 'dest'), sources: [path.join(root, 'src')] });
    await service.runs.request('home', { actor: 'test' }).done;
    const r = await api.drivePush({ plan: 'home' });
    expect(r).toMatchObject({ ok: true, value: { started: true, plans: ['home'] } });
    await until(() =>
      events.some((e) => e.type === 'driveProgress' && ['done', 'failed'].includes(e.data.phase)),
    );
    const end = events.filter((e) => e.type === 'driveProgress').at(-1)!;
    expect(end.data).toMatchObject({ planName: 'home', phase: 'done', message: '1 backup(s) pushed.' });
    expect(listDriveManifests(db!, driveCopy(1))).toHaveLength(1);
    const st = await api.driveStatus({});
    expect(st).toMatchObject({
      ok: true,
      value: {
        connected: true,
        configured: true,
        encrypted: false,
        plans: [{ planName: 'home', backupsOnDrive: 1 }],
      },
    });
    if (st.ok) expect(st.value.plans[0]!.lastPushAt).not.toBeNull();
    const list = await api.backupList({ plan: 'home' });
    expect(list.ok && list.value.backups.map((b) => b.onDrive)).toEqual([true]);
    // The backup disk is gone: the same backup comes back from Drive, byte for byte.
    fs.renameSync(path.join(root, 'dest'), path.join(root, 'dest.lost'));
    const to = path.join(root, 'restored');
    const stamp = list.ok ? list.value.backups[0]!.stamp : '';
    const back = await api.restore({
      plan: 'home',
      stamp,
      paths: [],
      target: { mode: 'to', dir: to },
      dryRun: false,
    });
    expect(back).toMatchObject({ ok: true, value: { written: 2, verified: 2, failed: [] } });
    expect(diffTrees(path.join(root, 'src'), path.join(to, 'src'))).toEqual([]);
    const text = formatMetrics(collectMetrics(db!, Date.now()));
    expect(text).toMatch(/^cairn_drive_pending_bytes\{plan="home"\} 0$/m);
    expect(text).toMatch(/^cairn_drive_last_push_timestamp_seconds\{plan="home"\} \d+/m);
  });

  it('connects through the consent page, then says connected; disconnect forgets the tokens', async () => {
    const { secrets, api, opened } = setup(emulatorEnv(emu));
    const first = await api.driveConnect({});
    if (!first.ok || first.value.state !== 'needs-consent') throw new Error(JSON.stringify(first));
    expect(opened).toEqual([first.value.authUrl]);
    // The user's browser: the emulator approves and redirects to Cairn's loopback port.
    const page = await fetch(first.value.authUrl);
    expect(await page.text()).toMatch(/connected to Google Drive/);
    await until(async () => (await secrets.get(DRIVE_TOKENS_KEY)) !== null);
    const again = await api.driveConnect({});
    expect(again).toMatchObject({ ok: true, value: { state: 'connected' } });
    expect(await api.driveDisconnect({})).toMatchObject({ ok: true, value: { disconnected: true } });
    expect(await secrets.get(DRIVE_TOKENS_KEY)).toBeNull();
    expect(await api.driveStatus({})).toMatchObject({
      ok: true,
      value: { connected: false, configured: true },
    });
    expect(await api.driveSetPassword({ password: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await api.driveSetPassword({ password: 'a long enough passphrase' })).toMatchObject({
      ok: true,
      value: { encrypted: true },
    });
  });

  it('pushes after each good backup when Drive is linked (the runtime)', async () => {
    const { rt, events, db } = await runtimeAfterBackup({});
    try {
      await until(() => events.some((e) => e.type === 'driveProgress' && e.data.phase === 'done'));
      expect(listDriveManifests(db, driveCopy(1))).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });

  it("resumes by itself a push that waited for Google's daily limit in a process that has stopped", async () => {
    let now = Date.UTC(2026, 11, 7, 9, 0);
    const lines: string[] = [];
    const { rt, events, db } = await runtimeAfterBackup({
      autoPush: false,
      now: () => now,
      log: (l) => lines.push(l),
    });
    try {
      // A push of another process met Google's daily limit, said when it would resume, and was stopped.
      const resumesAt = now + 30 * 60_000;
      drivePlan(db, driveCopy(1), 'laptop');
      updateDrivePlan(db, driveCopy(1), {
        resumesAt,
        lastErrorCode: 'userRateLimitExceeded',
        lastErrorMessage: "Waiting for Google's daily limit, resumes about 09:30.",
        lastErrorAt: now,
      });
      await rt.observe();
      expect(events.some((e) => e.type === 'driveProgress')).toBe(false);
      now = resumesAt + DRIVE_RESUME_GRACE_MS;
      await rt.observe();
      await until(() => events.some((e) => e.type === 'driveProgress' && e.data.phase === 'done'));
      expect(listDriveManifests(db, driveCopy(1))).toHaveLength(1);
      expect(findDrivePlan(db, driveCopy(1))).toMatchObject({ resumesAt: null, lastErrorMessage: null });
      expect(lines.filter((l) => l.startsWith('Resuming the push of home'))).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });

  it('says Drive is not available where the process has no way to it', async () => {
    db = openCatalog(path.join(tempDir(), 'data'));
    const api = new CairnService({ db, secrets: new FileSecretStore(path.dirname(db.name)) }).api();
    expect(await api.drivePush({})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('refuses a second driveSetPassword: the key sealed on Drive stays the one key', async () => {
    const { api, secrets } = setup({});
    expect(await api.driveSetPassword({ password: 'first long password' })).toMatchObject({ ok: true });
    const first = await loadDriveKey(secrets);
    const again = await api.driveSetPassword({ password: 'second long password' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!again.ok) expect(again.error.message).toMatch(/cairn drive password --change/);
    expect(await loadDriveKey(secrets)).toEqual(first);
  });
});
