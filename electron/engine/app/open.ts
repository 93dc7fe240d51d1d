// The one composition root: the desktop app, `cairn serve` and the `cairn` command each open Cairn for a
// data folder here. A face differs only in its adapters (the keychain and desktop notifications in the app,
// the log headless, a browser opener); what it gets (catalog, secrets, Drive access, service, runtime) is
// put together the same way for all three.
import { openCatalog, type Db } from '../catalog/db';
import { logNotifier } from '../notify/log';
import type { Notifier } from '../notify/types';
import { openSecretStore, type Keychain, type SecretsChoice } from '../secrets/choose';
import type { SecretStore } from '../secrets/store';
import type { DriveAccess } from './service/context';
import { CairnRuntime } from './service/runtime';
import { JobCoordinator } from './jobs';

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
}

/** Opens the catalog and the secret store of a data folder (the CLI's one-shot commands stop here). */
export function openCore(
  dataDir: string,
  a: Pick<FaceAdapters, 'keychain' | 'openUrl' | 'env' | 'now'>,
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
    jobs: new JobCoordinator(a.now),
  };
}

/** Cairn running for a long-lived face (the app, `cairn serve`): service, scheduler, watchers, monitor. */
export interface CairnApp extends CairnCore {
  runtime: CairnRuntime;
  /** Stops the runtime (a running backup is cancelled and leaves nothing), then closes the catalog. */
  close(): Promise<void>;
}

/** Opens Cairn for a data folder and starts its runtime: what the app and `cairn serve` both run. */
export async function openCairn(dataDir: string, a: FaceAdapters): Promise<CairnApp> {
  const core = openCore(dataDir, a);
  const runtime = new CairnRuntime({
    db: core.db,
    secrets: core.secrets,
    drive: core.drive,
    jobs: core.jobs,
    actor: a.actor,
    localNotifier: a.notifier ?? logNotifier(a.log),
    log: a.log,
    now: a.now,
    watch: a.watch,
    tickMs: a.tickMs,
  });
  try {
    await runtime.start();
  } catch (e) {
    await runtime.close();
    core.db.close();
    throw e;
  }
  let closed: Promise<void> | null = null;
  return {
    ...core,
    runtime,
    close: () =>
      (closed ??= runtime.close().finally(() => {
        core.db.close();
      })),
  };
}
