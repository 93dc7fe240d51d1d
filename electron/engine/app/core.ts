// The one composition root, first half: Cairn opened for a data folder, as every face needs it (the
// catalog, the one secret store, Drive access, the job coordinator). Kept apart from the runtime (open.ts) so
// a one-shot `cairn` command does not load the scheduler, the watchers and the service.
import { openCatalog, type Db } from '../catalog/db';
import type { Notifier } from '../notify/types';
import { openSecretStore, type Keychain, type SecretsChoice } from '../secrets/choose';
import type { SecretStore } from '../secrets/store';
import { JobCoordinator } from './jobs';
import type { TrashSweeps } from './trashSweeps';
import { moveCatalogSecrets } from './moveSecrets';
import type { DriveAccess } from './service/context';

/** What a face brings: who it is and the parts that differ between the app and headless Cairn. */
export interface FaceAdapters {
  /** Who acts, for the activity log: "ui" (the app), "serve", "cli". */
  actor: string;
  /** The OS keychain (Electron's safeStorage); none headless, where secrets live in a 0600 file. */
  keychain?: Keychain | null;
  /** The local notification channel: the desktop in the app, the log headless. */
  notifier?: Notifier;
  log: (line: string) => void;
  /** Opens a consent page in the user's browser (the app); headless, the UI opens the returned URL. */
  openUrl?: (url: string) => unknown;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Start the watchers (off in tests that do not need them). */
  watch?: boolean;
  tickMs?: number;
  /** The computer's name in notifications (default os.hostname()). */
  computer?: string;
  /** Who empties the plans' trash (default: background sweeps in this process). */
  trash?: TrashSweeps;
}

/** Cairn opened for a data folder: the catalog and the secrets every face shares. */
export interface CairnCore {
  dataDir: string;
  db: Db;
  secrets: SecretStore;
  secretsChoice: SecretsChoice;
  drive: DriveAccess;
  /** The one job coordinator of this process (what runs on each plan; jobs.ts). */
  jobs: JobCoordinator;
  /** Settles once secrets an older Cairn kept in the catalog are in the secret store (moveSecrets.ts). */
  secretsMoved: Promise<void>;
}

/** Opens the catalog and the secret store of a data folder (the CLI's one-shot commands stop here). */
export function openCore(
  dataDir: string,
  a: Pick<FaceAdapters, 'keychain' | 'openUrl' | 'env' | 'now' | 'trash'>,
): CairnCore {
  const db = openCatalog(dataDir);
  const { store, choice } = openSecretStore(dataDir, a.keychain ?? null);
  return {
    dataDir,
    db,
    secrets: store,
    secretsChoice: choice,
    // A restore from Drive unpacks the packs it needs in the data folder (same disk as the catalog).
    drive: { secrets: store, env: a.env, workDir: dataDir, openUrl: a.openUrl },
    jobs: new JobCoordinator(a.now, a.trash),
    // Until it settles, readers fall back to the catalog's copy (driveSettingsWithSecret, notifyUrls).
    secretsMoved: moveCatalogSecrets(db, store, (a.now ?? Date.now)()).catch((e: unknown) => {
      process.stderr.write(`Secrets stay in the catalog for now: ${String(e)}\n`);
    }),
  };
}
