// The metrics every face reports (cairn metrics, and a node_exporter textfile): from the catalog alone.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../catalog/db';
import { latestGoodBackup, latestRun, listBackups } from '../../catalog/backups';
import { listPlans } from '../../catalog/plans';
import { drivePendingBytes } from '../../drive/pack/status';
import { driveCopy, findDrivePlan, lastDriveQuota, listDriveManifests } from '../../drive/pack/store';
import { remotesOfPlan } from '../../remotes/registry';
import { STATES, type HealthState } from '../../health/health';
import { planHealth } from '../../health/planHealth';
import type { StatFs } from '../../health/space';
import { JobCoordinator } from '../jobs';
import { readSettings } from '../service/settingsStore';
import { CairnError, errnoCode } from '../../errors';

interface Metric {
  name: string;
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition format (version 0.0.4), gauges only. */
export function formatMetrics(metrics: Metric[]): string {
  const out: string[] = [];
  for (const m of metrics) {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} gauge`);
    for (const s of m.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      out.push(`${m.name}${labels ? `{${labels}}` : ''} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Every plan's figures for node_exporter or a scrape: health (as `cairn status` tells it), last success,
 * duration, size, files, the backup disk's room and growth, Drive.
 */
export function collectMetrics(db: Db, now: number, statFs?: StatFs): Metric[] {
  const tz = readSettings(db).timezone;
  const m = (name: string, help: string): Metric => ({ name, help, samples: [] });
  const status = m(
    'cairn_plan_status',
    'Plan health as `cairn status` exits for it: 0 healthy, 1 needs attention or waits, 2 failing.',
  );
  const state = m('cairn_plan_state', 'Plan health as one series per state: 1 for the current state.');
  const issue = m('cairn_plan_issue', 'One series per problem the health model found (kind label), 1.');
  const free = m('cairn_destination_free_bytes', 'Bytes free (for Cairn) on the backup disk.');
  const total = m('cairn_destination_size_bytes', 'Size of the backup disk in bytes.');
  const fullDays = m(
    'cairn_destination_full_days',
    'Days until the backup disk is full at the growth of the last 14 days (absent when not growing).',
  );
  const growth = m(
    'cairn_backup_growth_ratio',
    'Size of the newest backup against the median of the 7 before it (above 1.5 is a jump).',
  );
  const lastOk = m(
    'cairn_last_success_timestamp_seconds',
    'When the newest good backup finished (Unix time).',
  );
  const duration = m('cairn_last_backup_duration_seconds', 'How long the newest good backup took.');
  const size = m('cairn_last_backup_size_bytes', 'Bytes in the newest good backup.');
  const files = m('cairn_last_backup_files', 'Files in the newest good backup.');
  const newBytes = m(
    'cairn_last_backup_new_bytes',
    'Bytes new or changed in the newest good backup (copied, not linked).',
  );
  const warnings = m('cairn_last_backup_warnings', 'Warnings (skipped files) of the newest good backup.');
  const lastRun = m(
    'cairn_last_run_timestamp_seconds',
    'When the newest run of any outcome finished (Unix time).',
  );
  const lastFailed = m('cairn_last_run_failed', '1 when the newest run failed.');
  const count = m('cairn_backups', 'Backups kept.');
  const next = m('cairn_next_run_timestamp_seconds', 'When the next scheduled backup starts (Unix time).');
  const drive = m(
    'cairn_drive_pending_bytes',
    'New bytes of backups not on Google Drive yet (plans that use Drive).',
  );
  const drivePush = m(
    'cairn_drive_last_push_timestamp_seconds',
    'When the last push to Google Drive finished (Unix time).',
  );
  const remotePending = m(
    'cairn_remote_pending_bytes',
    'Content bytes a push to a remote other than Drive (S3, rclone) would still upload.',
  );
  const remotePush = m(
    'cairn_remote_last_push_timestamp_seconds',
    'When the last push to a remote other than Drive finished (Unix time).',
  );
  const remoteFailed = m(
    'cairn_remote_push_failed',
    '1 when the last push to the remote failed (it is behind).',
  );
  const jobs = new JobCoordinator(() => now);
  for (const plan of listPlans(db)) {
    const l = { plan: plan.name };
    const backupRunning = jobs.onPlan(plan).some((j) => j.kind === 'backup');
    const h = planHealth(db, plan, now, { timezone: tz, backupRunning, statFs });
    status.samples.push({ labels: l, value: STATES[h.state].exitCode });
    for (const s of Object.keys(STATES) as HealthState[])
      state.samples.push({ labels: { ...l, state: s }, value: h.state === s ? 1 : 0 });
    for (const i of h.issues) issue.samples.push({ labels: { ...l, kind: i.kind }, value: 1 });
    if (h.space) {
      free.samples.push({ labels: l, value: h.space.freeBytes });
      total.samples.push({ labels: l, value: h.space.totalBytes });
      if (h.space.fullDays !== null) fullDays.samples.push({ labels: l, value: h.space.fullDays });
    }
    if (h.growthRatio !== null) growth.samples.push({ labels: l, value: h.growthRatio });
    const good = latestGoodBackup(db, plan.id);
    if (good) {
      lastOk.samples.push({ labels: l, value: good.finishedAt / 1000 });
      duration.samples.push({ labels: l, value: (good.finishedAt - good.startedAt) / 1000 });
      size.samples.push({ labels: l, value: good.bytes });
      files.samples.push({ labels: l, value: good.files });
      newBytes.samples.push({ labels: l, value: good.newBytes });
      warnings.samples.push({ labels: l, value: good.warnings });
    }
    const run = latestRun(db, plan.id);
    if (run) {
      lastRun.samples.push({ labels: l, value: run.finishedAt / 1000 });
      lastFailed.samples.push({ labels: l, value: run.status === 'failed' ? 1 : 0 });
    }
    count.samples.push({ labels: l, value: listBackups(db, { planId: plan.id }).length });
    if (h.nextRun !== null) next.samples.push({ labels: l, value: h.nextRun / 1000 });
    const onDrive = findDrivePlan(db, driveCopy(plan.id));
    if (onDrive) {
      const there = new Set(listDriveManifests(db, driveCopy(plan.id)).map((x) => x.stamp));
      const pending = listBackups(db, { planId: plan.id }).filter((b) => !there.has(b.stamp));
      drive.samples.push({ labels: l, value: pending.reduce((n, b) => n + b.newBytes, 0) });
      if (onDrive.lastPushAt) drivePush.samples.push({ labels: l, value: onDrive.lastPushAt / 1000 });
    }
    for (const r of remotesOfPlan(db, plan)) {
      const c = { remoteId: r.id, planId: plan.id };
      const rl = { ...l, remote: r.name };
      const st = findDrivePlan(db, c);
      remotePending.samples.push({ labels: rl, value: drivePendingBytes(db, c) });
      remoteFailed.samples.push({ labels: rl, value: st?.lastErrorAt && !st.resumesAt ? 1 : 0 });
      if (st?.lastPushAt) remotePush.samples.push({ labels: rl, value: st.lastPushAt / 1000 });
    }
  }
  const quota = lastDriveQuota(db);
  const quotaUsed = m('cairn_drive_quota_used_bytes', 'Google Drive storage used, as Drive last told it.');
  const quotaLimit = m('cairn_drive_quota_limit_bytes', 'Google Drive storage limit, as Drive last told it.');
  if (quota) quotaUsed.samples.push({ labels: {}, value: quota.used });
  if (quota?.limit) quotaLimit.samples.push({ labels: {}, value: quota.limit });
  return [
    status,
    state,
    issue,
    free,
    total,
    fullDays,
    growth,
    quotaUsed,
    quotaLimit,
    lastOk,
    duration,
    size,
    files,
    newBytes,
    warnings,
    lastRun,
    lastFailed,
    count,
    next,
    drive,
    drivePush,
    remotePending,
    remotePush,
    remoteFailed,
  ];
}

/** The permission bits of a file, or null when there is none. */
function modeOf(file: string): number | null {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return null;
  }
}

/**
 * Writes a file so a reader never sees half of it: a temporary file in the same folder, then a rename. An
 * existing file keeps its mode (a 0600 or 0640 textfile stays so); a new one is 0644 less the umask, as
 * node_exporter (another user) must read it.
 */
export function writeAtomic(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const mode = modeOf(file);
  try {
    fs.writeFileSync(tmp, text, { mode: mode ?? 0o644 });
    if (mode !== null) fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new CairnError(
      'io',
      `Cannot write ${file} (${errnoCode(e) ?? String(e)}); check the folder exists and is writable.`,
    );
  }
}
