import type {
  MethodName,
  MethodOutput,
  NotifyTestResult,
  ParsedInput,
  WatchState,
} from '../../../shared/contract';
import type { z } from 'zod';
import type { Db } from '../catalog/db';
import type { EventBus } from './bus';
import type { RunQueue } from './runQueue';

/** What the watcher tells the status (null when no watcher runs in this process). */
export interface WatchInfo {
  state(planName: string): z.output<typeof WatchState>;
  changedFiles(planName: string): number | null;
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
  /** Called after a plan or a setting changed, so the scheduler and watcher follow. */
  changed: () => void;
}

export type Handler<M extends MethodName> = (
  input: ParsedInput<M>,
  ctx: ServiceContext,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

/** One handler per contract method, no more, no less: a missing one fails to compile. */
export type Handlers = { [M in MethodName]: Handler<M> };

/** A group of handlers (a file's worth). */
export type HandlerGroup<K extends MethodName> = { [M in K]: Handler<M> };
