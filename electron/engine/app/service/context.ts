import type { MethodName, MethodOutput, NotifyTestResult, ParsedInput } from '../../../../shared/contract';
import type { z } from 'zod';
import type { JobCoordinator } from '../jobs';
import type { Db } from '../../catalog/db';
import type { SecretStore } from '../../secrets/store';
import type { RemoteAccess } from '../../remotes/open';
import type { EventBus } from './bus';
import type { WatchInfo } from '../../watch/watchers';
import type { RunQueue } from './runQueue';
import type { LoginItemControl } from '../serveLogin';

/** How this process reaches Google Drive: where tokens live, and how a consent page is opened. */
export interface DriveAccess {
  secrets: SecretStore;
  env?: NodeJS.ProcessEnv;
  /** The clock and retry policy of S3 and rclone remotes (tests run backoff waits at once). */
  store?: RemoteAccess['store'];
  /** Where a restore from Drive unpacks the packs it needs (the data directory; default the temp folder). */
  workDir?: string;
  /** Opens the consent page (Electron's shell.openExternal); headless, the UI opens the returned URL. */
  openUrl?: (url: string) => unknown;
}

/** Everything a handler may use; the runtime fills in the watcher and the notifier when they run. */
export interface ServiceContext {
  db: Db;
  now: () => number;
  /** Who calls through this service, for the activity log: "ui", "serve". */
  actor: string;
  bus: EventBus;
  runs: RunQueue;
  watch: WatchInfo | null;
  notifyTest: (() => Promise<z.output<typeof NotifyTestResult>>) | null;
  /** The one secret store of this process. */
  secrets: SecretStore;
  /** The one job coordinator of this process: what runs on each plan (app/jobs.ts). */
  jobs: JobCoordinator;
  /** Null where Drive cannot be reached from this process (the one-shot CLI uses `cairn drive`). */
  drive: DriveAccess | null;
  /** Called after a plan or a setting changed, so the scheduler and watcher follow. */
  changed: () => void;
  /** Start at login done by the service (`cairn serve`); null where the face does it (the app) or none. */
  loginItem: LoginItemControl | null;
  /** Aborted when the process stops: what waits (a Drive consent page) gives up, and writes nothing after. */
  stopping: AbortSignal;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: ServiceContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

/** One handler per contract method, no more, no less: a missing one fails to compile. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A group of handlers (a file's worth). */
export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };
