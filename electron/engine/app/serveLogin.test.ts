import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { openCatalog } from '../catalog/db';
import { FileSecretStore } from '../secrets/store';
import { serveCommand, serveLoginItem, serveUnit, unitArg } from './serveLogin';
import { CairnService } from './service/service';

const command = serveCommand({
  node: '/usr/bin/node',
  script: '/opt/cairn/dist/cli.mjs',
  dataDir: '/home/me/Cairn data',
  port: 8765,
});

function facts(systemd: boolean, platform: NodeJS.Platform = 'linux') {
  const home = tempDir();
  const config = path.join(home, 'cfg');
  return { home, config, f: { platform, env: { XDG_CONFIG_HOME: config }, home, command, systemd } };
}

describe('start at login under cairn serve', () => {
  it('runs the same cairn serve: absolute node and script, the same data folder and port', () => {
    expect(command).toEqual([
      '/usr/bin/node',
      '/opt/cairn/dist/cli.mjs',
      '--data-dir',
      '/home/me/Cairn data',
      'serve',
      '--port',
      '8765',
    ]);
    expect(serveUnit(command)).toContain(
      'ExecStart=/usr/bin/node /opt/cairn/dist/cli.mjs --data-dir "/home/me/Cairn data" serve --port 8765\n',
    );
    expect(unitArg('/a/100%/$HOME "x"\\')).toBe('"/a/100%%/$$HOME \\"x\\"\\\\"');
  });

  it('writes a systemd user unit under $XDG_CONFIG_HOME, says the one command to enable it, and removes it', () => {
    const { config, f } = facts(true);
    const item = serveLoginItem(f);
    const unit = path.join(config, 'systemd/user/cairn-serve.service');
    expect(item.get()).toBe(false);
    expect(item.note()).toMatch(/writes a systemd user unit/);
    item.set(true);
    expect(fs.readFileSync(unit, 'utf8')).toBe(serveUnit(command));
    expect(item.get()).toBe(true);
    expect(item.note()).toBe(
      `Cairn wrote the systemd user unit ${unit}. Switch it on once with: systemctl --user enable cairn-serve`,
    );
    // What `systemctl --user enable` does: a link in default.target.wants.
    const wants = path.join(config, 'systemd/user/default.target.wants/cairn-serve.service');
    fs.mkdirSync(path.dirname(wants));
    fs.symlinkSync(unit, wants);
    expect(item.note()).toMatch(/\(enabled\)/);
    item.set(false);
    expect([fs.existsSync(unit), fs.existsSync(wants), item.get()]).toEqual([false, false, false]);
  });

  it('writes an XDG autostart entry where systemd --user is not there; ~/.config without XDG_CONFIG_HOME', () => {
    const { home, f } = facts(false);
    const item = serveLoginItem({ ...f, env: {} });
    item.set(true);
    const entry = path.join(home, '.config/autostart/cairn-serve.desktop');
    expect(fs.readFileSync(entry, 'utf8')).toMatch(
      /^Exec=\/usr\/bin\/node \/opt\/cairn\/dist\/cli.mjs --data-dir "\/home\/me\/Cairn data" serve --port 8765$/m,
    );
    expect(item.note()).toBe(`Cairn starts at your next desktop login through the autostart entry ${entry}.`);
    item.set(false);
    expect(fs.existsSync(entry)).toBe(false);
  });

  it('says plainly where it cannot, and the settings answer with the state the files give', async () => {
    const mac = serveLoginItem(facts(true, 'darwin').f);
    expect(mac.supported).toBe(false);
    expect(() => mac.set(true)).toThrow(/on Linux only/);

    const { config, f, home } = facts(true);
    const db = openCatalog(path.join(home, 'data'));
    try {
      const service = new CairnService({ db, actor: 'serve', secrets: new FileSecretStore(home) });
      service.ctx.loginItem = serveLoginItem(f);
      const on = await service.api().settingsSet({ startAtLogin: true });
      expect(on.ok && [on.value.startAtLogin, on.value.startAtLoginNote]).toEqual([
        true,
        expect.stringMatching(/systemctl --user enable cairn-serve/),
      ]);
      fs.rmSync(path.join(config, 'systemd/user/cairn-serve.service'));
      const got = await service.api().settingsGet({});
      expect(got.ok && got.value.startAtLogin).toBe(false); // the file is the truth
      service.ctx.loginItem = mac;
      const refused = await service.api().settingsSet({ startAtLogin: true });
      expect(refused.ok ? null : refused.error.message).toMatch(/on Linux only/);
    } finally {
      db.close();
    }
  });
});
