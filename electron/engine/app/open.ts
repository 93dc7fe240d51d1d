// The one composition root: the desktop app, `cairn serve` and the `cairn` command each open Cairn for a
// data folder here (core.ts for the one-shot commands). A face differs only in its adapters (the keychain
// and desktop notifications in the app, the log headless, a browser opener).
import { logNotifier } from '../notify/log';
import { openCore, type CairnCore, type FaceAdapters } from './core';
import { CairnRuntime } from './service/runtime';

export type { CairnCore, FaceAdapters };

/** Cairn running for a long-lived face (the app, `cairn serve`): service, scheduler, watchers, monitor. */
export interface CairnApp extends CairnCore {
  runtime: CairnRuntime;
  /** Stops the runtime (a running backup is cancelled and leaves nothing), then closes the catalog. */
  close(): Promise<void>;
}

/** Opens Cairn for a data folder and starts its runtime: what the app and `cairn serve` both run. */
export async function openCairn(dataDir: string, a: FaceAdapters): Promise<CairnApp> {
  const core = openCore(dataDir, a);
  await core.secretsMoved;
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
    computer: a.computer,
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
