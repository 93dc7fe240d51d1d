// Contract-shaped sample values for component tests (figures a real service could answer).
import type { z } from 'zod';
import type {
  BackupList,
  DriveStatus,
  FolderPage,
  Plan,
  PlanStatus,
  RunProgress,
  Status,
} from '../../../shared/contract';

type Listed = z.output<typeof BackupList>['backups'][number];
type Entry = z.output<typeof FolderPage>['entries'][number];

/** An entry of a folder as folderList lists it: a folder at `path` (one of the top ones), unless `over` says else. */
export function sampleEntry(path: string, over: Partial<Entry> = {}): Entry {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    name,
    display: name,
    path,
    kind: 'dir',
    size: 0,
    mtimeMs: 0,
    mode: 0o755,
    sha256: null,
    target: null,
    displayTarget: null,
    ...over,
  };
}

/** A plan as planList returns it. */
export function samplePlan(name = 'docs'): z.output<typeof Plan> {
  return {
    id: 1,
    name,
    dest: '/backups',
    schedule: '0 2 * * *',
    autoPrune: false,
    staleHours: 48,
    sources: [{ label: 'Documents', path: '/home/u/Documents' }],
    excludes: [],
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    keepLast: 0,
    keepDaily: 7,
    keepWeekly: 4,
    keepMonthly: 12,
    keepYearly: 0,
    keepWithinHours: 24,
    keepNotedDays: 30,
  };
}

/** One plan's status. */
export function samplePlanStatus(
  over: Partial<z.output<typeof PlanStatus>> = {},
): z.output<typeof PlanStatus> {
  return {
    planName: 'docs',
    state: 'healthy',
    reasons: [],
    issues: [],
    lastGood: {
      stamp: '2026-11-23_021000',
      finishedAt: Date.now() - 3 * 3_600_000,
      status: 'complete',
      ageHours: 3,
    },
    lastRun: null,
    nextRun: Date.now() + 3_600_000,
    schedule: '0 2 * * *',
    scheduleText: 'At 02:00 AM',
    staleHours: 48,
    changedFiles: 12,
    watch: { state: 'watching', message: null },
    run: null,
    jobs: [],
    ...over,
  };
}

/** The whole status. */
export function sampleStatus(plans = [samplePlanStatus()]): z.output<typeof Status> {
  return { overall: plans[0]?.state ?? 'healthy', plans, timezone: 'UTC', generatedAt: Date.now() };
}

/** A run in progress. */
export function sampleRun(over: Partial<z.output<typeof RunProgress>> = {}): z.output<typeof RunProgress> {
  return {
    runId: 'r1',
    planName: 'docs',
    phase: 'running',
    actor: 'ui',
    stamp: '2026-11-23_150000',
    startedAt: Date.now(),
    files: 120,
    bytes: 5 * 1024 * 1024,
    newFiles: 3,
    newBytes: 1024,
    linkedFiles: 117,
    skipped: 0,
    warnings: 0,
    currentPath: 'Documents/report.odt',
    elapsedMs: 2000,
    bytesDone: 5 * 1024 * 1024,
    bytesPerSecond: 2 * 1024 * 1024,
    totalFiles: 240,
    totalBytes: 10 * 1024 * 1024,
    counted: true,
    fraction: 0.5,
    etaSeconds: 3,
    ...over,
  };
}

/** `n` backups, newest first, one a day. */
export function sampleBackups(n: number, plan = 'docs'): Listed[] {
  const out: Listed[] = [];
  const day0 = Date.UTC(2026, 10, 23, 2, 10);
  for (let i = 0; i < n; i++) {
    const at = day0 - i * 86_400_000;
    const d = new Date(at);
    const stamp = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}_021000`;
    out.push({
      id: n - i,
      planId: 1,
      planName: plan,
      stamp,
      status: i % 50 === 7 ? 'warnings' : 'complete',
      startedAt: at,
      finishedAt: at + 60_000,
      files: 1000 + i,
      dirs: 10,
      symlinks: 0,
      bytes: 50_000_000 + i,
      newFiles: 3,
      newBytes: 4096,
      linkedFiles: 997,
      skipped: 0,
      warnings: i % 50 === 7 ? 2 : 0,
      note: i === 3 ? 'before upgrade' : null,
      pinned: i === 3,
      safety: false,
      error: null,
      verifiedAt: null,
      verifyResult: null,
      onDrive: null,
    });
  }
  return out;
}

/** Drive status with no Drive set up (what a new user's Overview asks for). */
export function sampleDriveOff(): z.output<typeof DriveStatus> {
  return {
    connected: false,
    configured: false,
    account: null,
    quota: null,
    encrypted: false,
    folderUrl: null,
    plans: [],
    lastError: null,
  };
}
