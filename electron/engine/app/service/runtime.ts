import fs from 'node:fs';
import os from 'node:os';
import { logActivity } from '../../catalog/activity';
import { listBackups } from '../../catalog/backups';
import type { Db } from '../../catalog/db';
import { findPlan, listPlans, type Plan } from '../../catalog/plans';
import { isCancelled } from '../../health/health';
import { ntfyNotifier, webhookNotifier } from '../../notify/http';
import { HealthMonitor } from '../../notify/monitor';
import type { Notifier } from '../../notify/types';
import { Scheduler } from '../../schedule/scheduler';
import { Watchers } from '../../watch/watchers';
import type { SecretStore } from '../../secrets/store';
import type { DriveAccess } from './context';
import { kvGet, kvSet } from '../../catalog/kv';
import type { AfterBackupReport } from '../afterBackup';
import type { JobCoordinator } from '../jobs';
import { describeError } from '../../errors';
import { weeklyVerify } from './maintenance';
import type { RunEnd } from './runQueue';
import { CairnService } from './service';
import { redact } from '../../secrets/redact';
import { notifyUrls } from './notifyUrls';
import { readSettings, storedNotifications } from './settingsStore';
import type { PushResult } from '../../drive/pack/push';
import { drivePushEnd } from './progress';
import { driveCopy, findDrivePlan } from '../../drive/pack/store';
import { clockTime } from '../../drive/errors';
import { throttleByKey } from './throttle';
import { collectStatus } from './statusView';
import { PauseControl, pauseEnd } from './pause';

export interface RuntimeOptions {
  db: Db;
  now?: () => number;
  /** Who calls through the contract: "ui" in the app, "serve" headless. */
  actor: string;
  /** The local channel: desktop notifications in the app, the log in headless mode. */
  localNotifier: Notifier;
  log: (line: string) => void;
  /** Start the watchers (off in tests that do not need them). */
  watch?: boolean;
  tickMs?: number;
  /** The one secret store (Drive tokens, database passwords): the keychain in the app, a 0600 file else. */
  secrets: SecretStore;
  /** How this process reaches Google Drive. */
  drive?: DriveAccess;
  /** The process's one job coordinator (a new one when not given). */
  jobs?: JobCoordinator;
  /** The computer's name in every message (default os.hostname()). */
  computer?: string;
}

const LAST_VERIFY = 'service.lastScheduledVerify';
/**
 * A push waiting for Google's limit wakes itself at resumesAt (and clears it); one still set this long after
 * was left by a process that stopped, and the runtime resumes it.
 */
export const DRIVE_RESUME_GRACE_MS = 2 * 60_000;
/** How long quitting waits for a sweep of the trash (the next start's sweep finishes it). */
const SWEEP_GRACE_MS = 2_000;

/**
 * Cairn's runtime around the service: the scheduler, the watchers and the health monitor, wired so a
 * run's end, a plan change or a tick updates status and notifications. The app and `cairn serve` each
 * start one; the CLI's one-shot commands do not.
 */
export class CairnRuntime {
  readonly service: CairnService;
  readonly scheduler: Scheduler;
  readonly watchers: Watchers;
  readonly monitor: HealthMonitor;
  /** Holds what starts by itself while paused (pauseSet, in any Cairn process) or asleep. */
  readonly pause: PauseControl;
  /** Plans whose after-change backup waited for a pause to end. */
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Runs whose start was observed (their ids). */
  private readonly started = new Set<string>();

  constructor(private readonly o: RuntimeOptions) {
    const db = o.db;
    const now = o.now ?? Date.now;
    this.service = new CairnService({
      db,
      now,
      actor: o.actor,
      secrets: o.secrets,
      drive: o.drive,
      jobs: o.jobs,
    });
    const settings = () => readSettings(db);
    // A cancelled run (sleep, shutdown, the user) did not happen: it does not count as the last run.
    const lastStart = (planId: number) =>
      listBackups(db, { planId, includeFailed: true, limit: 20 }).find((b) => !isCancelled(b))?.startedAt ??
      null;

    this.monitor = new HealthMonitor({
      db,
      bus: this.service.bus,
      notifiers: () => this.notifiers(),
      onSendError: (ch, m) => o.log(`Notification by ${ch} failed (kept, tried again later): ${redact(m)}`),
      computer: o.computer ?? os.hostname(),
    });
    this.watchers = new Watchers({
      db,
      now,
      settings: () => settings().watch,
      onCount: throttleByKey<number>(500, (planName, changedFiles) =>
        this.service.bus.emit('changesCounted', { planName, changedFiles }),
      ),
      onFailed: (planName, m) => {
        o.log(m);
        void this.observe();
      },
      onSettled: (planName) => this.request(planName, 'watch'),
      lastRunStart: (planName) => {
        const p = findPlan(db, planName);
        return p ? lastStart(p.id) : null;
      },
    });
    this.scheduler = new Scheduler({
      plans: () => listPlans(db),
      timezone: () => settings().timezone,
      catchUpDelayMs: () => settings().catchUpDelaySeconds * 1000,
      now,
      lastRunStart: (p) => lastStart(p.id),
      isRunning: (p) => this.service.runs.of(p.name) !== null,
      destPresent: (p) => fs.existsSync(p.dest),
      trigger: (p, reason) => {
        o.log(
          `Starting the ${reason === 'schedule' ? 'scheduled' : reason === 'catch-up' ? 'missed' : 'postponed'} backup of ${p.name}.`,
        );
        this.request(p.name, 'schedule');
      },
      verify: {
        schedule: () => (settings().verify.enabled ? settings().verify.schedule : null),
        last: () => kvGet<number>(db, LAST_VERIFY) ?? null,
        run: () => void this.scheduledVerify(),
      },
      log: o.log,
      skipped: (p, message) => this.notStarted(p.id, 'schedule', message),
      tickMs: o.tickMs,
    });
    this.pause = new PauseControl({ db, scheduler: this.scheduler, now, onEnd: () => this.released() });
    this.service.ctx.watch = this.watchers;
    this.service.ctx.notifyTest = () =>
      this.monitor.send({
        planName: null,
        event: 'test',
        title: 'Cairn test notification',
        message: 'Notifications from Cairn reach you here.',
        priority: 'default',
        at: now(),
      });
    this.service.runs.onEnd((e) => void this.runEnded(e));
    // A run that starts changes the state at once (a first backup is running, not "no backup yet").
    this.service.bus.on((e) => {
      if (e.type !== 'runProgress' || e.data.phase !== 'running' || this.started.has(e.data.runId)) return;
      this.started.add(e.data.runId);
      void this.observe();
    });
    this.service.runs.afterBackup = (plan, report) => this.afterBackup(plan, report);
    this.service.onChange(() => {
      this.pause.sync();
      this.scheduler.refresh();
      void this.syncWatchers();
      void this.observe();
    });
  }

  /** Starts scheduling, watching and the periodic health check. */
  async start(): Promise<void> {
    // What a sweep stopped by the last quit (or a killed one) left in the trash goes now, in the background.
    for (const plan of listPlans(this.o.db)) this.service.ctx.jobs.trash.beside(plan);
    this.scheduler.start();
    this.pause.sync();
    // Watching a large tree takes a while to set up: it must not hold up the start.
    void this.syncWatchers().catch((e: unknown) =>
      this.o.log(`Watching for changes did not start: ${String(e)}`),
    );
    await this.observe();
    this.timer = setInterval(() => void this.observe(), this.o.tickMs ?? 60_000);
  }

  /** The machine is going to sleep: stop firing and cancel a running backup cleanly (nothing partial stays). */
  async suspend(): Promise<void> {
    this.pause.sleep(true);
    await this.service.runs.cancelAll();
  }

  /** The machine woke up: missed runs start after the catch-up delay (and the pause) and once the disk is there. */
  resume(): void {
    this.pause.sleep(false);
  }

  /** Stops everything; a running backup is cancelled and leaves nothing behind. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.service.stop();
    if (this.timer) clearInterval(this.timer);
    this.scheduler.stop();
    this.pause.close();
    await this.service.runs.cancelAll();
    await this.watchers.close();
    await this.service.ctx.jobs.trash.close(SWEEP_GRACE_MS);
  }

  /** Settles when no sweep of the trash runs in this process (tests; a prune's folders are gone then). */
  sweeps(): Promise<void> {
    return this.service.ctx.jobs.trash.idle();
  }

  private async notifiers(): Promise<Notifier[]> {
    const stored = storedNotifications(this.o.db);
    const n = { ...stored, ...(await notifyUrls(this.o.secrets, stored)) };
    const out: Notifier[] = [];
    if (n.desktop || this.o.localNotifier.name === 'log') out.push(this.o.localNotifier);
    if (n.ntfyUrl) out.push(ntfyNotifier(n.ntfyUrl));
    if (n.webhookUrl) out.push(webhookNotifier(n.webhookUrl));
    return out;
  }

  /** Starts a backup by itself (the schedule, changes settling), unless backups are paused. */
  private request(planName: string, actor: string): void {
    const pause = this.pause.current();
    if (pause) {
      if (!this.held.has(planName))
        this.o.log(
          `The ${actor === 'watch' ? 'after-change' : 'scheduled'} backup of ${planName} waits: backups are paused ${pauseEnd(pause)}.`,
        );
      // A scheduled run missed meanwhile is caught up by the scheduler; a settled change is held here.
      if (actor === 'watch') this.held.add(planName);
      return;
    }
    try {
      this.service.runs.request(planName, { actor });
    } catch (e) {
      this.o.log(`Could not start the backup of ${planName}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** A pause ended: the after-change backups it held run now (the scheduler catches up its own). */
  private released(): void {
    const plans = [...this.held];
    this.held.clear();
    for (const name of plans) if (findPlan(this.o.db, name)) this.request(name, 'watch');
  }

  /** A backup that did not start (refused, skipped) is in the activity log and the log, with its reason. */
  private notStarted(planId: number, actor: string, message: string): void {
    logActivity(this.o.db, {
      at: this.service.ctx.now(),
      planId,
      kind: 'backup',
      level: 'warning',
      actor,
      message,
    });
    this.o.log(message);
  }

  private async runEnded(e: RunEnd): Promise<void> {
    this.started.clear();
    // A run refused before it began (a CLI backup holds the plan): the queue logged it; say it here too.
    if (e.error?.code === 'locked')
      this.o.log(`The backup of ${e.planName} did not start: ${e.error.message}`);
    if (e.error?.code === 'dest-missing') this.scheduler.waitForDisk(e.planId);
    const s = readSettings(this.o.db);
    if (e.backup && s.notifications.onSuccess) {
      const b = e.backup;
      await this.monitor.post({
        planName: e.planName,
        event: 'success',
        title: `Backup of ${e.planName} completed`,
        message: `${b.files} files, ${b.newFiles} new or changed${b.warnings ? `, ${b.warnings} warning(s)` : ''}.`,
        priority: 'low',
        at: this.service.ctx.now(),
      });
    }
    await this.observe();
  }

  /** After a good backup (app/afterBackup.ts ran its retention): log it, and follow the Drive push. */
  private afterBackup(plan: Plan, r: AfterBackupReport): void {
    if (r.pruned.length)
      this.o.log(`Pruned ${r.pruned.length} backup(s) of ${plan.name}: ${r.pruned.join(', ')}.`);
    if (r.pruneError) this.o.log(r.pruneError);
    const told = (p: PushResult | null, e: unknown) =>
      this.service.bus.emit('driveProgress', drivePushEnd(plan.name, p, e));
    void r.push.then(
      (p) => {
        if (!p) return;
        told(p, null);
        this.service.ctx.changed();
      },
      (e: unknown) => {
        this.o.log(`The push of ${plan.name} to Google Drive did not finish: ${describeError(e)}`);
        told(null, e);
      },
    );
    void r.remotes.then((rs) => {
      for (const x of rs)
        if (x.error)
          this.o.log(
            `The push of ${plan.name} to remote ${x.remote} did not finish: ${describeError(x.error)}`,
          );
      if (rs.length) this.service.ctx.changed();
    });
  }

  private async scheduledVerify(): Promise<void> {
    kvSet(this.o.db, LAST_VERIFY, this.service.ctx.now());
    await weeklyVerify(this.o.db, this.service.ctx.now, this.o.log);
    await this.observe();
  }

  private async syncWatchers(): Promise<void> {
    if (this.o.watch === false || this.closed) return;
    await this.watchers.sync(listPlans(this.o.db));
  }

  /** Re-reads every plan's state; tells what changed. */
  async observe(): Promise<void> {
    if (this.closed) return;
    // A pause set or lifted by another Cairn process (`cairn pause`) is followed within a tick.
    this.pause.sync();
    // A backup made elsewhere (the CLI) holds the changes counted so far.
    await this.watchers.refresh();
    const st = collectStatus(this.service.ctx);
    // A plan waiting for its backup disk, or whose disk is back after a run failed for want of it (even
    // one made by `cairn backup`, or before a restart), runs when the disk is there, whatever the schedule.
    for (const p of st.plans) {
      const owed = p.issues.some((i) => i.kind === 'disk-away' || i.kind === 'waiting-run');
      const plan = owed ? findPlan(this.o.db, p.planName) : undefined;
      if (plan) this.scheduler.waitForDisk(plan.id);
    }
    this.scheduler.diskBack();
    this.resumeDrivePushes();
    await this.monitor.observe(st.plans, st.generatedAt);
  }

  /** Pushes that waited for Google's limit in a process that stopped go on here once their time has come. */
  private resumeDrivePushes(): void {
    if (!this.o.drive) return;
    const now = this.service.ctx.now();
    for (const plan of listPlans(this.o.db)) {
      const at = findDrivePlan(this.o.db, driveCopy(plan.id))?.resumesAt;
      if (!at || at + DRIVE_RESUME_GRACE_MS > now) continue;
      if (this.service.ctx.jobs.onPlan(plan).some((j) => j.kind === 'push')) continue;
      this.o.log(
        `Resuming the push of ${plan.name} to Google Drive (it waited for Google's limit until about ${clockTime(at)}).`,
      );
      // A push already under way is not started twice (drivePush answers started: false).
      void this.service.call('drivePush', { plan: plan.name });
    }
  }
}
