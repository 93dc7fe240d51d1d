import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FileSecretStore } from '../../electron/engine/secrets/store';
import { runBackup } from '../../electron/engine/backup/run';
import { openCatalog, type Db } from '../../electron/engine/catalog/db';
import { findPlan, type Plan } from '../../electron/engine/catalog/plans';
import type { BackupRecord } from '../../electron/engine/catalog/backups';
import { createPlan } from '../../electron/engine/plans/planOps';
import { tempDir } from './tmp';

/** A catalog, a plan over one source folder and a destination, in fresh temp folders (for restore, verify, prune tests). */
export function planKit(o: { name?: string; source?: string; defaultExcludes?: boolean } = {}) {
  const root = tempDir('cairn-kit-');
  const source = o.source ?? path.join(root, 'src');
  fs.mkdirSync(source, { recursive: true });
  const dest = path.join(root, 'dest');
  const dataDir = path.join(root, 'data');
  const db: Db = openCatalog(dataDir);
  const name = o.name ?? 'home';
  createPlan(
    db,
    { name, dest, sources: [source], defaultExcludes: o.defaultExcludes ?? false },
    Date.now(),
    'test',
  );
  const plan = (): Plan => findPlan(db, name)!;
  let clock = Date.now();
  const backup = async (opts: { note?: string; pin?: boolean; at?: number } = {}): Promise<BackupRecord> => {
    const { at: given, ...rest } = opts;
    const at = given ?? (clock = Math.max(clock + 1000, Date.now()));
    const secrets = new FileSecretStore(dataDir);
    return (await runBackup({ db, plan: plan(), now: () => at, actor: 'test', secrets, ...rest })).backup;
  };
  return { root, source, dest, dataDir, db, plan, backup, label: path.basename(source) };
}

/** Copies a tree with cp -a (modes, times, symlinks kept), for a snapshot of what a source held. */
export function copyTree(from: string, to: string): void {
  const r = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a failed: ${r.stderr}`);
}
