import fs from 'node:fs';
import os from 'node:os';
import { JOB_KINDS, type JobKind } from '../../../shared/jobKinds';
import { CairnError, errnoCode } from '../errors';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: number;
}

/** True while a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/**
 * Takes the plan's run lock (an O_EXCL file holding pid and host). A lock left by a process that is gone
 * (killed, crashed) on this host is taken over at once; proper-lockfile's time-based staleness would make
 * the run after a kill -9 wait instead.
 */
export function acquireLock(file: string, now: number): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: now };
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      return () => {
        try {
          const cur = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
          if (cur.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST') throw e;
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      holder = undefined; // unreadable or half-written: the writer died before finishing it
    }
    if (holder && holder.host === os.hostname() && alive(holder.pid)) {
      throw new CairnError(
        'locked',
        `Another backup of this plan is running (process ${holder.pid}, since ${new Date(holder.startedAt).toLocaleString()}); wait for it to finish.`,
      );
    }
    if (holder && holder.host !== os.hostname()) {
      throw new CairnError(
        'locked',
        `This destination is locked by a backup on ${holder.host}; if no backup runs there, delete ${file}.`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new CairnError('locked', `Could not take the lock ${file}; try again.`);
}

export { JOB_KINDS, type JobKind };

/**
 * Admits a job on a plan or throws CairnError "locked" naming what runs; returns the function that ends
 * the job. The app's job coordinator gives it to engine functions that work plan by plan (verify, import,
 * Drive push and prune), so the engine decides nothing about what may run at once.
 */
export type Admit = (
  kind: JobKind,
  plan: { dest: string; name: string },
  stamp?: string | null,
) => () => void;

/** Runs `f` as an admitted job when an Admit is given (else as is: a direct engine call in tests). */
export async function asJob<T>(
  admit: Admit | undefined,
  kind: JobKind,
  plan: { dest: string; name: string },
  f: () => Promise<T>,
  stamp: string | null = null,
): Promise<T> {
  const end = admit?.(kind, plan, stamp);
  try {
    return await f();
  } finally {
    end?.();
  }
}
