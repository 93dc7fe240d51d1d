// "Changed since the last backup" as the runtime (app, serve) counts it, with backups made by the CLI and
// changes made while no runtime ran.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog, type Db } from '../electron/engine/catalog/db';
import { CairnRuntime } from '../electron/engine/app/service/runtime';
import { writeSettings } from '../electron/engine/app/service/settingsStore';
import { logNotifier } from '../electron/engine/notify/log';
import { createPlan } from '../electron/engine/plans/planOps';
import { FileSecretStore } from '../electron/engine/secrets/store';
import { cairn } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';

const open: { db: Db; rt: CairnRuntime }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.rt.close();
    o.db.close();
  }
});

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function runtime(dataDir: string): Promise<CairnRuntime> {
  const db = openCatalog(dataDir);
  const rt = new CairnRuntime({
    db,
    secrets: new FileSecretStore(dataDir),
    actor: 'test',
    localNotifier: logNotifier(() => {}),
    log: () => {},
    tickMs: 100,
  });
  open.push({ db, rt });
  await rt.start();
  await until(() => rt.watchers.state('home').state === 'watching');
  return rt;
}

describe('changed since the last backup', () => {
  it('a CLI backup resets the count of a running runtime; changes made while it was stopped count', async () => {
    const root = tempDir();
    const src = path.join(root, 'src');
    const dataDir = path.join(root, 'data');
    writeTree(src, { 'a.txt': 'a', 'b.txt': 'b', link: { symlink: 'a.txt' } });
    const db = openCatalog(dataDir);
    writeSettings(
      db,
      { timezone: 'UTC', catchUpDelaySeconds: 0, watch: { enabled: true } },
      Date.now(),
      'test',
    );
    createPlan(db, { name: 'home', dest: path.join(root, 'dest'), sources: [src] }, Date.now(), 'test');
    db.close();
    expect(cairn(['backup', 'home'], { dataDir }).code).toBe(0);

    const rt = await runtime(dataDir);
    expect(rt.watchers.changedFiles('home')).toBe(0);
    fs.appendFileSync(path.join(src, 'a.txt'), 'more');
    await until(() => rt.watchers.changedFiles('home') === 1);
    const r = cairn(['backup', 'home'], { dataDir });
    expect(r.code).toBe(0);
    await until(() => rt.watchers.changedFiles('home') === 0); // the runtime's tick finds the CLI's backup

    await rt.close();
    fs.writeFileSync(path.join(src, 'c.txt'), 'made while nothing ran');
    fs.rmSync(path.join(src, 'b.txt'));
    const again = await runtime(dataDir);
    expect(again.watchers.changedFiles('home')).toBe(2);
  });
});
