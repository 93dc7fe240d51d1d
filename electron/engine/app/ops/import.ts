import { importDestination } from '../../backup/importDest';
import type { OpsDeps } from './deps';

/** Rebuilds the catalog from a backup disk, each plan as an "import" job. */
export function importOp(d: Pick<OpsDeps, 'db' | 'jobs' | 'now' | 'actor'>, dest: string) {
  return importDestination(d.db, dest, d.now, d.actor, d.jobs.admitFor(d.actor));
}
