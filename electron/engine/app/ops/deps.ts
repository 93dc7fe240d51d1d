// What every operation needs. Operations (one file each, so a command loads only its own) are what the
// service's handlers and the `cairn` commands call: the app, `cairn serve` and the CLI do the same thing.
import type { Db } from '../../catalog/db';
import type { SecretStore } from '../../secrets/store';
import type { DriveAccess } from '../service/context';
import type { JobCoordinator } from '../jobs';

/** The catalog, the job coordinator, the secrets, Drive access, the clock, and who acts. */
export interface OpsDeps {
  db: Db;
  jobs: JobCoordinator;
  secrets: SecretStore;
  drive: DriveAccess | null;
  now: () => number;
  /** Who acts, for the activity log: "cli", "ui", "serve", "schedule", ... */
  actor: string;
}
