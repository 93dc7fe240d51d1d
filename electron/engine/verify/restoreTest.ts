import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeTree } from '../format/layout';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { restoreBackup } from '../restore/restore';
import type { Failure } from '../restore/apply';

export interface RestoreTestResult {
  files: number;
  bytes: number;
  failed: number;
  failures: Failure[];
}

/**
 * Proves a backup can be restored: restores it (or a random PERCENT of its files) into a temporary folder,
 * every file checked against the manifest's SHA-256 as it is written, then removes the folder.
 */
export async function restoreTest(
  db: Db,
  plan: Plan,
  backup: BackupRecord,
  o: { now: () => number; actor: string; sample?: number; random?: () => number; tmpDir?: string },
): Promise<RestoreTestResult> {
  const dir = fs.mkdtempSync(path.join(o.tmpDir ?? os.tmpdir(), 'cairn-restore-test-'));
  const pct = o.sample ?? 100;
  const rnd = o.random ?? Math.random;
  try {
    const s = await restoreBackup({
      db,
      plan,
      backup,
      to: dir,
      now: o.now,
      actor: o.actor,
      keepFile: pct < 100 ? () => rnd() * 100 < pct : undefined,
    });
    return { files: s.written, bytes: s.writtenBytes, failed: s.failed, failures: s.failures };
  } finally {
    removeTree(dir);
  }
}
