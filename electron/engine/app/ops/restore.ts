import { restoreBackup, type RestoreOptions, type RestoreSummary } from '../../restore/restore';
import { openDriveSourceFor } from '../driveRestore';
import type { OpsDeps } from './deps';

/**
 * Restores from a backup (its local folder, or Drive when the folder is not here) as a "restore" job; in
 * place it is also a "backup" job, since it first makes the "before restore" backup.
 */
export async function restoreOp(
  d: OpsDeps,
  o: Omit<RestoreOptions, 'db' | 'now' | 'actor' | 'source' | 'manifestFile'>,
): Promise<RestoreSummary> {
  const tickets = [d.jobs.begin('restore', o.plan, d.actor, o.backup.stamp)];
  try {
    if (o.inPlace && !o.dryRun) tickets.push(d.jobs.begin('backup', o.plan, d.actor));
    const fromDrive = await openDriveSourceFor({
      db: d.db,
      drive: d.drive,
      plan: o.plan,
      backup: o.backup,
      signal: o.signal,
    });
    return await restoreBackup({
      ...o,
      db: d.db,
      now: d.now,
      actor: d.actor,
      source: fromDrive?.source,
      manifestFile: fromDrive?.manifestFile,
    });
  } finally {
    for (const t of tickets.reverse()) t.end();
  }
}
