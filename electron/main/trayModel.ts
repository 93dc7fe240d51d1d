// The tray's icon, tooltip and menu as pure functions of the service's status, so they are tested in Node
// and the Electron glue only draws what these return.
import type { CairnEvent } from '../../shared/cairnEvents';
import { ago, bytesText, clockTime, remaining } from './timeText';

/** What the service knows of one plan, reduced to what the tray shows. */
export interface TrayPlan {
  name: string;
  /** The health model's state (the README's table). */
  condition: 'healthy' | 'first-backup' | 'waiting-run' | 'attention' | 'waiting-disk' | 'failing';
  lastGoodAt: number | null;
  /** The service's first plain sentence about the condition (stale, skipped files, the failure). */
  message?: string | null;
}

/** A backup in progress, with the service's figures (app/service/progress.ts). */
export interface TrayRun {
  planName: string;
  files: number;
  bytesDone: number;
  /** Exact when counted, else at least this much. */
  totalBytes: number;
  counted: boolean;
  /** Null until the total is counted. */
  fraction: number | null;
  etaMs: number | null;
}

export interface TrayInput {
  plans: TrayPlan[];
  runs: TrayRun[];
  pausedUntil: number | null;
  /** Why the service could not give its status, if it could not: the tray must not pretend all is well. */
  statusError?: string | null;
  /** null when Drive is not set up; "disconnected" covers a revoked grant or a lost connection. */
  drive: { state: 'connected' | 'disconnected' | 'error'; message?: string | null } | null;
}

export type TrayIcon = 'idle' | 'running' | 'paused' | 'attention' | 'error';
export const TRAY_ICONS: readonly TrayIcon[] = ['idle', 'running', 'paused', 'attention', 'error'];

export interface TrayView {
  icon: TrayIcon;
  tooltip: string;
  /** Lines shown, disabled, at the top of the menu. */
  status: string[];
}

export type TrayAction =
  'backup-now' | 'cancel' | 'pause-hour' | 'pause-tomorrow' | 'resume' | 'restore' | 'open' | 'quit';

export type MenuEntry =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

// Windows truncates tray tooltips at 127 characters.
const TOOLTIP_MAX = 127;
const count = (n: number) => n.toLocaleString('en-US');

/**
 * "45%, 1.2 GB of 2.6 GB, about 2 min left" once the total is counted; "1.2 GB of at least 1.5 GB, 1,234
 * files so far" while it is not; "finishing" once every byte is copied and the run syncs and records.
 */
export function runProgress(r: TrayRun): string {
  if (!r.counted || r.fraction === null)
    return `${bytesText(r.bytesDone)} of at least ${bytesText(r.totalBytes)}, ${count(r.files)} files so far`;
  const parts = [
    `${Math.min(99, Math.floor(r.fraction * 100))}%`,
    `${bytesText(r.bytesDone)} of ${bytesText(r.totalBytes)}`,
  ];
  if (r.bytesDone >= r.totalBytes) parts.push('finishing');
  else if (r.etaMs !== null) parts.push(`about ${remaining(r.etaMs)} left`);
  return parts.join(', ');
}

function problemOf(p: TrayPlan): string {
  switch (p.condition) {
    case 'failing':
      return `${p.name}: ${p.message ?? 'the last backup failed'}`;
    case 'attention':
      return `${p.name}: ${p.message ?? 'needs attention'}`;
    case 'waiting-disk':
      return `${p.name}: the backup disk is not connected`;
    case 'waiting-run':
      return `${p.name}: the backup disk is back; the backup runs shortly`;
    default:
      return '';
  }
}

function lastBackupLine(p: TrayPlan, now: number, many: boolean): string {
  const text = p.lastGoodAt === null ? 'No backup yet' : `Last backup ${ago(p.lastGoodAt, now)}`;
  return many ? `${p.name}: ${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

/** The icon and words for the tray: running first, then error, attention, paused, and all well. */
export function trayView(s: TrayInput, now: number): TrayView {
  const many = s.plans.length > 1;
  const status: string[] = [];
  if (s.statusError) status.push('Backup status unknown');
  else if (s.plans.length === 0) status.push('No backup plan yet');
  for (const p of s.plans.slice(0, 4)) status.push(lastBackupLine(p, now, many));
  if (s.plans.length > 4) status.push(`and ${s.plans.length - 4} more plans`);

  const failing = s.plans.filter((p) => p.condition === 'failing');
  const attention = s.plans.filter((p) => ['attention', 'waiting-disk', 'waiting-run'].includes(p.condition));
  const problems = [
    ...(s.statusError ? [`Cairn cannot read its status: ${s.statusError}`] : []),
    ...[...failing, ...attention].map(problemOf),
  ];
  if (s.drive && s.drive.state !== 'connected')
    problems.push(
      s.drive.state === 'disconnected'
        ? 'Google Drive is disconnected'
        : `Google Drive: ${s.drive.message ?? 'the last upload failed'}`,
    );
  const paused = s.pausedUntil !== null && s.pausedUntil > now;
  const pausedLine = !paused
    ? ''
    : s.pausedUntil === Infinity
      ? 'Schedule paused until you resume'
      : `Schedule paused until ${clockTime(s.pausedUntil!, now)}`;

  let icon: TrayIcon;
  let headline: string;
  const run = s.runs[0];
  if (run) {
    icon = 'running';
    headline = `Backing up ${run.planName}: ${runProgress(run)}`;
    status.unshift(headline);
  } else if (failing.length > 0 || s.statusError) {
    icon = 'error';
    headline = problems[0]!;
  } else if (problems.length > 0) {
    icon = 'attention';
    headline = problems[0]!;
  } else if (paused) {
    icon = 'paused';
    headline = pausedLine;
  } else {
    icon = 'idle';
    headline =
      s.plans.length === 0
        ? 'No backup plan yet; open Cairn to set one up'
        : s.plans.some((p) => p.condition === 'first-backup')
          ? 'The first backup is running'
          : 'Backups are up to date';
  }
  for (const p of problems) if (!status.includes(p)) status.push(p);
  if (pausedLine) status.push(pausedLine);
  const extra = problems.length > 1 && icon !== 'running' ? ` (and ${problems.length - 1} more)` : '';
  return { icon, tooltip: clip(`Cairn: ${headline}${extra}`), status };
}

function clip(s: string): string {
  return s.length <= TOOLTIP_MAX ? s : `${s.slice(0, TOOLTIP_MAX - 1)}…`;
}

/** The tray menu: status lines, Back up now (or Cancel), pause or resume, Restore, Open, Quit. */
export function trayMenu(s: TrayInput, now: number): MenuEntry[] {
  const view = trayView(s, now);
  const running = s.runs.length > 0;
  const paused = s.pausedUntil !== null && s.pausedUntil > now;
  const entries: MenuEntry[] = view.status.map((label) => ({ kind: 'label', label }));
  entries.push({ kind: 'separator' });
  entries.push(
    running
      ? { kind: 'action', action: 'cancel', label: 'Cancel backup', enabled: true }
      : { kind: 'action', action: 'backup-now', label: 'Back up now', enabled: s.plans.length > 0 },
  );
  if (paused) entries.push({ kind: 'action', action: 'resume', label: 'Resume schedule', enabled: true });
  else
    entries.push(
      {
        kind: 'action',
        action: 'pause-hour',
        label: 'Pause schedule for 1 hour',
        enabled: s.plans.length > 0,
      },
      {
        kind: 'action',
        action: 'pause-tomorrow',
        label: 'Pause schedule until tomorrow',
        enabled: s.plans.length > 0,
      },
    );
  entries.push(
    { kind: 'separator' },
    { kind: 'action', action: 'restore', label: 'Restore a file…', enabled: true },
    { kind: 'action', action: 'open', label: 'Open Cairn', enabled: true },
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Cairn', enabled: true },
  );
  return entries;
}

/**
 * Whether an event changes what the tray shows at once (a run starts, changes phase or ends), so it is
 * redrawn now rather than with the next half-second batch of progress redraws. Remembers run phases.
 */
export function trayRedrawsNow(e: CairnEvent, phases: Map<string, string>): boolean {
  if (e.type === 'runFinished') {
    phases.delete(e.data.planName);
    return true;
  }
  if (e.type !== 'runProgress') return false;
  const changed = phases.get(e.data.planName) !== e.data.phase;
  phases.set(e.data.planName, e.data.phase);
  return changed;
}
