import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { catalogPath, openCatalog } from '../catalog/db';
import { kvGet, kvSet } from '../catalog/kv';
import { DRIVE_SETTING_KEYS, driveSettingsWithSecret } from '../drive/pack/settings';
import { openCore } from './core';
import { openCairn, type CairnApp } from './open';

let app: CairnApp | null = null;
const servers: http.Server[] = [];
afterEach(async () => {
  await app?.close();
  app = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** An ntfy stand-in on 127.0.0.1 that records who called and with what. */
async function receiver(): Promise<{ port: number; got: { auth?: string; url: string; title?: string }[] }> {
  const got: { auth?: string; url: string; title?: string }[] = [];
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got.push({ auth: req.headers.authorization, url: req.url!, title: req.headers.title as string });
      res.end('{}');
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, got };
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const SECRET = 'hunter2hunter2';

describe('secrets stay in the secret store', () => {
  it('a notification address with credentials is shown redacted everywhere and used whole', async () => {
    const r = await receiver();
    const dataDir = path.join(tempDir(), 'data');
    const log: string[] = [];
    app = await openCairn(dataDir, {
      actor: 'serve',
      log: (l) => log.push(l),
      watch: false,
      computer: 'box',
    });
    const api = app.runtime.service.api();
    const url = `http://alice:${SECRET}@127.0.0.1:${r.port}/alerts?token=${SECRET}-t&title=x`;
    const shown = `http://***@127.0.0.1:${r.port}/alerts?token=***&title=x`;
    const set = await api.settingsSet({ notifications: { ntfyUrl: url } });
    expect(set).toMatchObject({ ok: true, value: { notifications: { ntfyUrl: shown } } });
    expect(await api.settingsGet({})).toMatchObject({
      ok: true,
      value: { notifications: { ntfyUrl: shown } },
    });

    // Saving the settings as shown (redacted) keeps the stored address.
    await api.settingsSet({ notifications: { ntfyUrl: shown, onSuccess: true } });
    expect(await app.secrets.get('notify.ntfyUrl')).toBe(url);
    const test = await api.notifyTest({});
    expect(test).toMatchObject({ ok: true, value: { sent: expect.arrayContaining(['ntfy']) } });
    expect(r.got).toEqual([
      {
        auth: `Basic ${Buffer.from(`alice:${SECRET}`).toString('base64')}`,
        url: `/alerts?token=${SECRET}-t&title=x`,
        title: 'box: Cairn test notification',
      },
    ]);

    const activity = await api.activityList({});
    expect(JSON.stringify(activity)).toContain('***');
    expect(JSON.stringify(activity)).not.toContain(SECRET);
    expect(log.join('\n')).not.toContain(SECRET);
    await app.close();
    app = null;
    for (const f of fs.readdirSync(dataDir).filter((f) => f.startsWith('catalog.sqlite')))
      expect(fs.readFileSync(path.join(dataDir, f)).includes(SECRET), f).toBe(false);
  });

  it('moves secrets an older Cairn kept in the catalog into the secret store on open', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const old = openCatalog(dataDir);
    kvSet(old, DRIVE_SETTING_KEYS.clientSecret, `GOCSPX-${SECRET}`);
    kvSet(old, 'service.settings', { notifications: { ntfyUrl: `https://u:${SECRET}@ntfy.example.org/t` } });
    old.close();

    const core = openCore(dataDir, {});
    await core.secretsMoved;
    expect(kvGet(core.db, DRIVE_SETTING_KEYS.clientSecret)).toBeUndefined();
    expect((await driveSettingsWithSecret(core.db, core.secrets)).clientSecret).toBe(`GOCSPX-${SECRET}`);
    expect(await core.secrets.get('notify.ntfyUrl')).toBe(`https://u:${SECRET}@ntfy.example.org/t`);
    expect(JSON.stringify(kvGet(core.db, 'service.settings'))).not.toContain(SECRET);
    const moved = core.db.prepare("SELECT message FROM activity WHERE message LIKE 'Moved%'").all();
    expect(moved).toHaveLength(1);
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    core.db.exec('VACUUM');
    core.db.close();
    expect(fs.readFileSync(catalogPath(dataDir)).includes(SECRET)).toBe(false);
  });

  it('makes the data folder 0700 and every file in it 0600, warning when its own items were open', () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = openCatalog(dataDir);
    for (const f of ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm'])
      expect(mode(path.join(dataDir, f)), f).toBe(0o600);
    first.close();
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(catalogPath(dataDir), 0o644);
    fs.mkdirSync(path.join(dataDir, 'drive-tmp'), { mode: 0o755 });
    fs.chmodSync(path.join(dataDir, 'drive-tmp'), 0o755);
    fs.writeFileSync(path.join(dataDir, 'Local State'), '{}', { mode: 0o644 }); // Chromium's, in the app

    const warnings: string[] = [];
    const db = openCatalog(dataDir, (m) => warnings.push(m));
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, 'drive-tmp'))).toBe(0o700);
    expect(mode(path.join(dataDir, 'Local State'))).toBe(0o600);
    for (const f of ['catalog.sqlite', 'catalog.sqlite-wal', 'catalog.sqlite-shm'])
      expect(mode(path.join(dataDir, f)), f).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Others could read Cairn's data: made 2 item\(s\) readable by you only/);
    const logged = db.prepare("SELECT level FROM activity WHERE message LIKE 'Others could read%'").all();
    expect(logged).toEqual([{ level: 'warning' }]);
    db.close();
  });
});
