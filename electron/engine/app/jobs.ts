// The one job coordinator: every operation on a plan (backup, restore, verify, prune, Drive push and
// prune, import, test restore) is a job of a kind, admitted by one rule for what may run together. It
// decides within this process and across processes (the app, `cairn serve` and `cairn` commands share a
// destination): each running job leaves a mark in the plan's .cairn/jobs/ folder, which the others read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planLayout } from '../format/layout';
import { acquireLock, alive, JOB_KINDS, type Admit, type JobKind } from '../backup/lock';
import type { Plan } from '../catalog/plans';
import { CairnError } from '../errors';
import { TrashSweeps } from './trashSweeps';

export { JOB_KINDS, type JobKind };

/**
 * What may not run together on one plan (the relation is made symmetric below). A restore or verify may
 * run beside a backup and beside a prune, which keeps the backups they read
 * (JobCoordinator.readingStamps).
 */
const CONFLICTS: [JobKind, readonly JobKind[]][] = [
  ['backup', ['backup', 'prune']],
  ['prune', ['prune', 'push']],
  ['push', ['push', 'drive-prune']],
  ['drive-prune', ['drive-prune']],
  ['import', JOB_KINDS],
  // An undo writes to the sources: not beside a backup reading them, nor beside another undo.
  ['undo', ['undo', 'backup']],
];

const conflictTable = new Map<JobKind, Set<JobKind>>(JOB_KINDS.map((k) => [k, new Set<JobKind>()]));
for (const [a, bs] of CONFLICTS)
  for (const b of bs) {
    conflictTable.get(a)!.add(b);
    conflictTable.get(b)!.add(a);
  }

/** True when two jobs of these kinds may not run on one plan at the same time. */
export function conflicts(a: JobKind, b: JobKind): boolean {
  return conflictTable.get(a)!.has(b);
}

/** A job of each kind in words: "a backup", "a Drive push". */
export const JOB_WORDS: Record<JobKind, string> = {
  backup: 'a backup',
  restore: 'a restore',
  verify: 'a verify',
  'test-restore': 'a test restore',
  prune: 'a prune',
  push: 'a Drive push',
  'drive-prune': 'a Drive prune',
  import: 'an import',
  undo: 'an undo of a restore',
};

/** A job running now, in this process or another one on this machine. */
export interface JobInfo {
  id: string;
  kind: JobKind;
  planName: string;
  /** The backup the job reads (restore, verify), if one. */
  stamp: string | null;
  actor: string;
  startedAt: number;
  pid: number;
  host: string;
}

/** A job admitted to run; end() when it is over (idempotent). */
export interface JobTicket {
  info: JobInfo;
  end(): void;
}

const jobsDir = (plan: Pick<Plan, 'dest' | 'name'>) =>
  path.join(planLayout(plan.dest, plan.name).meta, 'jobs');

/** The marks of live jobs in the plan's jobs folder; marks of processes that are gone are removed. */
function marksOnDisk(dir: string): JobInfo[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: JobInfo[] = [];
  for (const n of names) {
    let info: JobInfo | null;
    try {
      info = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as JobInfo;
    } catch {
      info = null; // half-written by a process killed while writing it: no job behind it
    }
    const gone = !info || (info.host === os.hostname() && !alive(info.pid));
    if (gone) removeQuietly(path.join(dir, n));
    else out.push(info!);
  }
  return out;
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/** Makes the jobs folder if it can be written; false on a read-only or full destination. */
function writableFolder(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch (e) {
    if (NOT_WRITABLE.has((e as NodeJS.ErrnoException).code ?? '')) return false;
    throw e;
  }
}

/** Removes a file, ignoring a destination that cannot be written. */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // read-only or gone: the mark stays, and is skipped while its process is gone
  }
}

/** Throws CairnError "locked" naming the first of `running` that a job of `kind` may not run beside. */
function refuseConflicts(plan: string, kind: JobKind, running: Iterable<JobInfo>): void {
  for (const j of running) if (j.planName === plan && conflicts(kind, j.kind)) throw refusal(plan, kind, j);
}

function refusal(plan: string, kind: JobKind, other: JobInfo): CairnError {
  const where =
    other.host !== os.hostname()
      ? ` on ${other.host}`
      : other.pid !== process.pid
        ? ` in another Cairn process (${other.pid})`
        : '';
  return new CairnError(
    'locked',
    `${JOB_WORDS[other.kind][0]!.toUpperCase()}${JOB_WORDS[other.kind].slice(1)} of ${plan} is running${where} since ${new Date(other.startedAt).toLocaleTimeString()}; ${JOB_WORDS[kind]} waits for it to finish.`,
  );
}

let counter = 0;

/**
 * Admits jobs by the conflict rule, in this process and, through each plan's .cairn/jobs/ folder, across
 * processes. What is running is one list (list()) that the UI, the tray and `cairn status` read.
 */
export class JobCoordinator {
  private readonly running = new Map<string, JobInfo>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Who empties the plans' trash after a prune or removal (in the background unless told otherwise). */
    readonly trash: TrashSweeps = new TrashSweeps(),
  ) {}

  /**
   * Admits a job of `kind` on the plan, or throws CairnError "locked" naming what runs. The mark goes to
   * the plan's jobs folder when the destination is there (never creating the destination itself).
   */
  begin(
    kind: JobKind,
    plan: Pick<Plan, 'dest' | 'name'>,
    actor: string,
    stamp: string | null = null,
  ): JobTicket {
    const info: JobInfo = {
      id: `${process.pid}-${Date.now().toString(36)}-${++counter}`,
      kind,
      planName: plan.name,
      stamp,
      actor,
      startedAt: this.now(),
      pid: process.pid,
      host: os.hostname(),
    };
    refuseConflicts(plan.name, kind, this.running.values());
    let mark: string | null = null;
    const dir = jobsDir(plan);
    if (fs.existsSync(plan.dest) && writableFolder(dir)) {
      // The check and the mark happen under a short lock, so two processes cannot both be admitted.
      const release = acquireLock(path.join(dir, 'admit.lock'), info.startedAt);
      try {
        refuseConflicts(plan.name, kind, marksOnDisk(dir));
        mark = path.join(dir, `${info.id}.json`);
        try {
          fs.writeFileSync(mark, JSON.stringify(info));
        } catch (e) {
          removeQuietly(mark);
          mark = null;
          if (!NOT_WRITABLE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
        }
      } finally {
        release();
      }
    } else {
      // A destination that is read-only (a restore from a write-protected disk) or not there: what other
      // processes left is still heeded; this job is known in this process only.
      refuseConflicts(plan.name, kind, marksOnDisk(dir));
    }
    this.running.set(info.id, info);
    this.changed();
    let ended = false;
    return {
      info,
      end: () => {
        if (ended) return;
        ended = true;
        this.running.delete(info.id);
        if (mark) fs.rmSync(mark, { force: true });
        this.changed();
      },
    };
  }

  /** begin() as the engine's Admit: what engine functions that work plan by plan are given. */
  admitFor(actor: string): Admit {
    return (kind, plan, stamp) => this.begin(kind, plan, actor, stamp ?? null).end;
  }

  /** Runs `f` as a job (see begin); the job ends however `f` ends. */
  async run<T>(
    kind: JobKind,
    plan: Pick<Plan, 'dest' | 'name'>,
    actor: string,
    f: (job: JobInfo) => Promise<T> | T,
    stamp: string | null = null,
  ): Promise<T> {
    const t = this.begin(kind, plan, actor, stamp);
    try {
      return await f(t.info);
    } finally {
      t.end();
    }
  }

  /** Jobs running in this process, oldest first. */
  list(): JobInfo[] {
    return [...this.running.values()];
  }

  /** Jobs running on the plan in any process on this machine (and others that share the destination). */
  onPlan(plan: Pick<Plan, 'dest' | 'name'>): JobInfo[] {
    const here = this.list().filter((j) => j.planName === plan.name);
    const ids = new Set(here.map((j) => j.id));
    return [...here, ...marksOnDisk(jobsDir(plan)).filter((j) => !ids.has(j.id))];
  }

  /** Stamps of the plan's backups that a restore or verify reads now, in any process: prune keeps them. */
  readingStamps(plan: Pick<Plan, 'dest' | 'name'>): Set<string> {
    const reads = (j: JobInfo) =>
      j.kind === 'restore' || j.kind === 'verify' || j.kind === 'test-restore' || j.kind === 'undo';
    return new Set(this.onPlan(plan).flatMap((j) => (reads(j) && j.stamp ? [j.stamp] : [])));
  }

  /**
   * Resolves once no job that conflicts with `kind` runs on the plan (in any process), or when `signal`
   * aborts or `maxMs` passes; the caller then begins its job (which may still be refused, and says so).
   */
  async whenFree(
    kind: JobKind,
    plan: Pick<Plan, 'dest' | 'name'>,
    o: { signal?: AbortSignal; maxMs?: number; pollMs?: number } = {},
  ): Promise<void> {
    const until = Date.now() + (o.maxMs ?? 12 * 3_600_000);
    while (
      !o.signal?.aborted &&
      Date.now() < until &&
      this.onPlan(plan).some((j) => conflicts(kind, j.kind))
    ) {
      // A job here ends with a change; one in another process is seen at the next look.
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, o.pollMs ?? 2_000);
        const off = this.onChange(done);
        o.signal?.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(t);
          off();
          o.signal?.removeEventListener('abort', done);
          resolve();
        }
      });
    }
  }

  /** Calls back when a job starts or ends. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch {
        // a listener's failure does not stop the job
      }
    }
  }
}
