import type { z } from 'zod';
import type { RunProgress } from '../../../../shared/contract';
import { logActivity } from '../../catalog/activity';
import type { BackupRecord } from '../../catalog/backups';
import { findPlanById, getPlan, type Plan } from '../../catalog/plans';
import type { AfterBackupReport } from '../afterBackup';
import { backupOp } from '../ops/backup';
import type { OpsDeps } from '../ops/deps';
import type { BackupProgress } from '../../backup/run';
import { CairnError, describeError, errnoCode } from '../../errors';
import type { EventBus } from './bus';
import { drivePushProgress, progressFigures, RateWindow } from './progress';

export type RunState = z.output<typeof RunProgress>;

export interface RunRequest {
  actor: string;
  note?: string;
  pin?: boolean;
  /** A person asked ("Back up now"), not the schedule or the watcher. */
  manual?: boolean;
}

export interface RunEnd {
  planId: number;
  planName: string;
  actor: string;
  startedAt: number | null;
  outcome: 'complete' | 'warnings' | 'failed' | 'cancelled';
  backup: BackupRecord | null;
  error: { code: string; message: string } | null;
}

interface Job {
  planId: number;
  request: RunRequest;
  state: RunState;
  controller: AbortController;
  /** The run's recent pace (progress.ts). */
  rate: RateWindow;
  done: Promise<RunEnd>;
  resolve: (e: RunEnd) => void;
}

let counter = 0;

/**
 * Runs backups one at a time. A plan is never queued twice: asking again while it waits or runs returns
 * the run already there. Cancelling a queued run drops it; cancelling a running one aborts runBackup,
 * which removes its partial folder, so nothing is kept.
 */
export class RunQueue {
  private readonly jobs: Job[] = [];
  private working = false;
  private readonly endListeners = new Set<(e: RunEnd) => void>();

  /**
   * Told after each successful backup, once its retention has run and its Drive push has started (the
   * runtime logs them and follows the push).
   */
  afterBackup: ((plan: Plan, report: AfterBackupReport) => void) | null = null;

  constructor(private readonly deps: Omit<OpsDeps, 'actor'> & { bus: EventBus }) {}

  /** Queues a run of the plan unless one is queued or running; says which. */
  request(
    planName: string,
    request: RunRequest,
  ): { run: RunState; alreadyRunning: boolean; done: Promise<RunEnd> } {
    const plan = getPlan(this.deps.db, planName);
    const existing = this.jobs.find((j) => j.planId === plan.id);
    if (existing) return { run: { ...existing.state }, alreadyRunning: true, done: existing.done };
    let resolve!: (e: RunEnd) => void;
    const done = new Promise<RunEnd>((r) => (resolve = r));
    const job: Job = {
      planId: plan.id,
      request,
      controller: new AbortController(),
      rate: new RateWindow(),
      done,
      resolve,
      state: {
        runId: `${plan.name}-${Date.now().toString(36)}-${++counter}`,
        planName: plan.name,
        phase: 'queued',
        actor: request.actor,
        stamp: null,
        startedAt: null,
        ...progressFigures(null, 0, new RateWindow()),
      },
    };
    this.jobs.push(job);
    this.deps.bus.emit('runProgress', { ...job.state });
    void this.work();
    return { run: { ...job.state }, alreadyRunning: false, done };
  }

  /** Cancels the plan's queued or running backup; false when there was none. */
  cancel(planName: string): boolean {
    const job = this.jobs.find((j) => j.state.planName === planName);
    if (!job) return false;
    if (job.state.phase === 'queued') {
      this.jobs.splice(this.jobs.indexOf(job), 1);
      this.finish(job, { outcome: 'cancelled', backup: null, error: null });
      return true;
    }
    job.state.phase = 'cancelling';
    this.deps.bus.emit('runProgress', { ...job.state });
    job.controller.abort();
    return true;
  }

  /** Cancels everything and waits until nothing runs (shutdown, suspend). */
  async cancelAll(): Promise<void> {
    const waits = this.jobs.map((j) => j.done);
    for (const j of [...this.jobs]) this.cancel(j.state.planName);
    await Promise.all(waits);
  }

  /** The queued and running backups with their figures. */
  list(): RunState[] {
    return this.jobs.map((j) => ({ ...j.state }));
  }

  /** The plan's queued or running backup, if any. */
  of(planName: string): RunState | null {
    const j = this.jobs.find((x) => x.state.planName === planName);
    return j ? { ...j.state } : null;
  }

  /** Calls back after every run, whatever its outcome. */
  onEnd(listener: (e: RunEnd) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.jobs.length) await this.runOne(this.jobs[0]!);
    } finally {
      this.working = false;
    }
  }

  private async runOne(job: Job): Promise<void> {
    const plan: Plan | undefined = findPlanById(this.deps.db, job.planId);
    if (!plan) {
      this.jobs.shift();
      const error = {
        code: 'not-found',
        message: `The plan ${job.state.planName} was removed before its backup started.`,
      };
      return this.finish(job, { outcome: 'failed', backup: null, error });
    }
    job.state.phase = 'running';
    job.state.startedAt = this.deps.now();
    this.deps.bus.emit('runProgress', { ...job.state });
    try {
      const { outcome: out, after } = await backupOp({ ...this.deps, actor: job.request.actor }, plan, {
        note: job.request.note,
        pin: job.request.pin,
        manual: job.request.manual,
        signal: job.controller.signal,
        onProgress: (p) => this.progress(job, p),
        onDriveProgress: (p) => this.deps.bus.emit('driveProgress', drivePushProgress(plan.name, p)),
      });
      try {
        this.afterBackup?.(plan, after);
      } catch {
        // telling about the after-steps cannot undo the backup
      }
      this.jobs.shift();
      this.finish(job, {
        outcome: out.backup.status === 'complete' ? 'complete' : 'warnings',
        backup: out.backup,
        error: null,
      });
    } catch (e) {
      this.jobs.shift();
      const cancelled = job.controller.signal.aborted || (e instanceof CairnError && e.code === 'cancelled');
      const code = e instanceof CairnError ? e.code : (errnoCode(e) ?? 'internal');
      if (code === 'locked') this.refused(plan, job, describeError(e));
      this.finish(job, {
        outcome: cancelled ? 'cancelled' : 'failed',
        backup: null,
        error: cancelled ? null : { code, message: describeError(e) },
      });
    }
  }

  /** A run refused before it began (a CLI backup of the plan holds it) has no record of its own: log it. */
  private refused(plan: Plan, job: Job, why: string): void {
    logActivity(this.deps.db, {
      at: this.deps.now(),
      planId: plan.id,
      kind: 'backup',
      level: 'warning',
      actor: job.request.actor,
      message: `Backup did not start: ${why}`,
    });
  }

  private progress(job: Job, p: BackupProgress): void {
    job.state.stamp = p.stamp;
    job.state.startedAt = p.startedAt;
    Object.assign(job.state, progressFigures(p, this.deps.now(), job.rate));
    this.deps.bus.emit('runProgress', { ...job.state });
  }

  private finish(job: Job, end: Pick<RunEnd, 'outcome' | 'backup' | 'error'>): void {
    const e: RunEnd = {
      ...end,
      planId: job.planId,
      planName: job.state.planName,
      actor: job.request.actor,
      startedAt: job.state.startedAt,
    };
    this.deps.bus.emit('runFinished', {
      runId: job.state.runId,
      planName: job.state.planName,
      outcome: e.outcome,
      backup: e.backup,
      error: e.error,
    });
    for (const l of this.endListeners) {
      try {
        l(e);
      } catch {
        // a listener's failure does not undo the run
      }
    }
    job.resolve(e);
  }
}
