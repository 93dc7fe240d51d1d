// The one health model: what is true of a plan now (its runs, its disk, its off-site copies) becomes a list of
// issues, each with a state; the plan's state is the worst of them. The Overview badge, the tray,
// `cairn status` (and its exit code), `cairn metrics` and notifications all read it.
import { formatBytes } from '../../../shared/units';
import { isDestMissingError } from '../backup/checks';
import type { BackupRecord } from '../catalog/backups';
import type { Plan } from '../catalog/plans';

export type HealthState =
  'healthy' | 'first-backup' | 'waiting-run' | 'attention' | 'waiting-disk' | 'failing';

/** Each state's rank (the plan shows its worst issue's state) and its `cairn status` exit code. */
export const STATES: Record<HealthState, { rank: number; exitCode: 0 | 1 | 2 }> = {
  healthy: { rank: 0, exitCode: 0 },
  'first-backup': { rank: 1, exitCode: 1 },
  'waiting-run': { rank: 2, exitCode: 1 },
  attention: { rank: 3, exitCode: 1 },
  'waiting-disk': { rank: 4, exitCode: 1 },
  failing: { rank: 5, exitCode: 2 },
};

/** What can be wrong with a plan, and the state each puts it in (the README's table). */
export const ISSUE_STATE = {
  failed: 'failing',
  'disk-away': 'waiting-disk',
  'waiting-run': 'waiting-run',
  'first-backup': 'first-backup',
  'no-backup': 'attention',
  stale: 'attention',
  damaged: 'attention',
  warnings: 'attention',
  'disk-space': 'attention',
  'size-jump': 'attention',
  'drive-link': 'attention',
  'drive-quota': 'attention',
  'drive-waiting': 'attention',
  'remote-behind': 'attention',
} as const satisfies Record<string, HealthState>;

export type IssueKind = keyof typeof ISSUE_STATE;

export interface HealthIssue {
  kind: IssueKind;
  state: HealthState;
  message: string;
}

/** The backup disk's room: free and total bytes, and the days until full at the current growth. */
export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
  fullDays: number | null;
}

/** The newest backup against the median size of the (up to) 7 before it, when it jumped past 1.5 times. */
export interface SizeJump {
  stamp: string;
  bytes: number;
  median: number;
  ratio: number;
  /** The top-level folders that grew most, biggest first. */
  grew: { folder: string; bytes: number }[];
}

/** What the catalog knows of the plan's Drive copy: a refused link, the last known quota. */
export interface DriveFacts {
  /** The last push stopped because the link was refused (invalid_grant, not connected): its message. */
  linkError: string | null;
  /** The last push stopped because Drive is full: its message. */
  fullError: string | null;
  quota: { used: number; limit: number | null } | null;
  /** A push waits for Google's daily (or rate) limit: its sentence, with when it resumes by itself. */
  waiting?: string | null;
}

/** A remote other than Drive (S3, rclone) whose last push of the plan failed. */
export interface RemoteFacts {
  name: string;
  /** Where it keeps the copy: "s3://bucket/prefix", "nas:backups". */
  label: string;
  /** Why the last push did not complete. */
  error: string;
}

export interface HealthInput {
  plan: Pick<Plan, 'name' | 'dest' | 'staleHours' | 'createdAt'>;
  now: number;
  lastGood: BackupRecord | undefined;
  /** The newest run that was not cancelled. */
  lastRun: BackupRecord | undefined;
  destPresent: boolean;
  /** A backup of the plan runs now, in any Cairn process. */
  backupRunning?: boolean;
  space?: DiskSpace | null;
  jump?: SizeJump | null;
  /** Null when the plan has no Drive copy. */
  drive?: DriveFacts | null;
  /** The plan's other remotes whose copy is behind (their last push failed). */
  remotes?: RemoteFacts[];
}

export interface Health {
  state: HealthState;
  reasons: string[];
  issues: HealthIssue[];
}

const HOUR = 3600_000;
/** Attention below 5 % free or 2 GiB free on the backup disk, or when it is full within 14 days. */
export const SPACE_LIMITS = { fraction: 0.05, bytes: 2 * 1024 ** 3, days: 14 };
/** Attention when Drive is fuller than this. */
export const DRIVE_QUOTA_LIMIT = 0.95;

/** True for a run the user (or a shutdown) cancelled: it says nothing about the plan's health. */
export function isCancelled(b: BackupRecord): boolean {
  return b.status === 'failed' && (b.error ?? '').startsWith('The backup was cancelled');
}

type Found = [IssueKind, string];

/** The newest run failed (after the last good one): failing, or waiting for (or back from) the disk. */
function runIssues(i: HealthInput): Found[] {
  const { plan, lastGood, lastRun } = i;
  const away: Found[] = i.destPresent
    ? []
    : [['disk-away', `The backup disk (${plan.dest}) is not connected; the backup runs when it is back.`]];
  if (!lastRun || lastRun.status !== 'failed' || (lastGood && lastRun.startedAt <= lastGood.startedAt))
    return away;
  if (!isDestMissingError(lastRun.error))
    return [['failed', `The last backup failed: ${lastRun.error ?? 'no reason was recorded'}`], ...away];
  if (!i.destPresent) return away;
  return [
    [
      'waiting-run',
      `The backup disk (${plan.dest}) is back: the backup that could not run then starts within a minute ` +
        `while the app or cairn serve runs (or now with: cairn backup ${plan.name}).`,
    ],
  ];
}

/** No backup yet, a stale one, a damaged or incomplete one. */
function backupIssues(i: HealthInput): Found[] {
  const { plan, lastGood } = i;
  if (!lastGood)
    return i.backupRunning
      ? [['first-backup', 'The first backup is running; the files are safe once it completes.']]
      : [['no-backup', 'No backup has been made yet.']];
  const out: Found[] = [];
  const age = i.now - lastGood.finishedAt;
  if (plan.staleHours > 0 && age > plan.staleHours * HOUR)
    out.push([
      'stale',
      `The last good backup is ${Math.floor(age / HOUR)} hours old (the limit is ${plan.staleHours}).`,
    ]);
  if (lastGood.verifyResult?.startsWith('damaged'))
    out.push([
      'damaged',
      `Verify found backup ${lastGood.stamp} ${lastGood.verifyResult}; see which files with: cairn verify ${lastGood.planName}/${lastGood.stamp}.`,
    ]);
  if (lastGood.status === 'warnings')
    out.push([
      'warnings',
      `The last backup skipped or could not read ${lastGood.warnings} file(s); see its warnings.`,
    ]);
  return out;
}

/** The backup disk nearly full, by share, by bytes, or by days at the current growth. */
export function spaceIssue(s: DiskSpace | null | undefined): Found[] {
  if (!s || s.totalBytes <= 0) return [];
  const low =
    s.freeBytes < s.totalBytes * SPACE_LIMITS.fraction ||
    s.freeBytes < SPACE_LIMITS.bytes ||
    (s.fullDays !== null && s.fullDays < SPACE_LIMITS.days);
  if (!low) return [];
  const pct = ((s.freeBytes / s.totalBytes) * 100).toFixed(1);
  const days =
    s.fullDays === null ? '' : `; full in about ${Math.round(s.fullDays)} days at the current growth`;
  return [
    [
      'disk-space',
      `The backup disk has ${formatBytes(s.freeBytes)} free (${pct}% of ${formatBytes(s.totalBytes)})${days}: ` +
        'free some space, keep fewer backups or move the plan to a bigger disk.',
    ],
  ];
}

function jumpIssue(j: SizeJump | null | undefined): Found[] {
  if (!j) return [];
  const grew = j.grew.map((g) => `${g.folder} (+${formatBytes(g.bytes)})`).join(', ');
  return [
    [
      'size-jump',
      `Backup ${j.stamp} is ${j.ratio.toFixed(1)} times the usual size (${formatBytes(j.bytes)} against ` +
        `${formatBytes(j.median)})${grew ? `; grew most: ${grew}` : ''}. If that is not expected, look there.`,
    ],
  ];
}

function driveIssues(d: DriveFacts | null | undefined): Found[] {
  if (!d) return [];
  const out: Found[] = [];
  if (d.linkError) out.push(['drive-link', `The Google Drive copy is not kept up to date: ${d.linkError}`]);
  // Not a failure: Google lets uploads go on after its rolling day, and the push goes on by itself.
  if (d.waiting) out.push(['drive-waiting', `Google Drive: ${d.waiting} The push goes on by itself.`]);
  const q = d.quota;
  if (d.fullError) out.push(['drive-quota', d.fullError]);
  else if (q?.limit && q.used / q.limit > DRIVE_QUOTA_LIMIT)
    out.push([
      'drive-quota',
      `Google Drive is ${Math.floor((q.used / q.limit) * 100)}% full (${formatBytes(q.used)} of ` +
        `${formatBytes(q.limit)}); pushes stop when it is full.`,
    ]);
  return out;
}

/** Each remote whose copy is behind, by name: the other copies are not held up by it. */
function remoteIssues(rs: RemoteFacts[] | undefined): Found[] {
  return (rs ?? []).map((r) => [
    'remote-behind',
    `The copy on remote ${r.name} (${r.label}) is behind: ${r.error}`,
  ]);
}

/** A plan's health from what is true now: every issue found, and the worst state among them. */
export function assessHealth(i: HealthInput): Health {
  const found = [
    ...runIssues(i),
    ...backupIssues(i),
    ...spaceIssue(i.destPresent ? i.space : null),
    ...jumpIssue(i.jump),
    ...driveIssues(i.drive),
    ...remoteIssues(i.remotes),
  ];
  const issues = found.map(([kind, message]) => ({ kind, state: ISSUE_STATE[kind], message }));
  issues.sort((a, b) => STATES[b.state].rank - STATES[a.state].rank);
  return {
    state: worstState(issues.map((x) => x.state)),
    reasons: issues.map((x) => x.message),
    issues,
  };
}

/** The worst of some states (healthy when there are none). */
export function worstState(states: HealthState[]): HealthState {
  return states.reduce<HealthState>((w, s) => (STATES[s].rank > STATES[w].rank ? s : w), 'healthy');
}

/** `cairn status` exit code: 0 healthy, 1 attention (any state between), 2 failing. */
export function statusExitCode(states: HealthState[]): number {
  return STATES[worstState(states)].exitCode;
}
