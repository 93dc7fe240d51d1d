import fs from 'node:fs';
import path from 'node:path';
import { openCatalog, type Db } from '../../electron/engine/catalog/db';
import type { Plan } from '../../electron/engine/catalog/plans';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import { runBackup, type BackupRunOptions } from '../../electron/engine/backup/run';
import { createPlan } from '../../electron/engine/plans/planOps';
import { tempDir } from './tmp';

export interface Rig {
  root: string;
  src: string;
  dest: string;
  dataDir: string;
  db: Db;
  plan: Plan;
  /** The clock the engine sees; tests move it forward so stamps differ. */
  clock: { now: number };
  backup(o?: Partial<BackupRunOptions>): ReturnType<typeof runBackup>;
  backupDir(stamp: string): string;
}

/** A temp source, destination and catalog with one plan ("docs"), and a controllable clock. */
export function makeRig(o: { excludes?: string[]; defaultExcludes?: boolean } = {}): Rig {
  const root = tempDir('cairn-rig-');
  const src = path.join(root, 'src');
  const dest = path.join(root, 'dest');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(src);
  const db = openCatalog(dataDir);
  const clock = { now: new Date(2026, 0, 10, 2, 0, 0).getTime() };
  const plan = createPlan(
    db,
    { name: 'docs', sources: [src], dest, excludes: o.excludes, defaultExcludes: o.defaultExcludes },
    clock.now,
    'test',
  );
  return {
    root,
    src,
    dest,
    dataDir,
    db,
    plan,
    clock,
    backup: (extra = {}) => {
      clock.now += 60_000;
      return runBackup({
        db,
        plan,
        now: () => clock.now,
        actor: 'test',
        secrets: new FileSecretStore(dataDir),
        ...extra,
      });
    },
    backupDir: (stamp) => path.join(dest, 'docs', stamp),
  };
}
