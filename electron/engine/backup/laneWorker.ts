// The thread side of LanePool (lanePool.ts). Worker entry files import only this and Node built-ins: a
// thread starts for every backup and restore, so it must load little.
import { parentPort } from 'node:worker_threads';

/** A batch of jobs sent to a thread. */
export interface LaneBatch<J> {
  id: number;
  jobs: J[];
}

/** A job that threw comes back as this small marker object. */
export interface LaneError {
  __laneError: string;
}

/** The batch's results, in the order of its jobs. */
export interface LaneAnswer<R> {
  id: number;
  results: (R | LaneError)[];
}

/**
 * Runs on a worker thread: answers each batch from LanePool with `work(job)` for every job. Results go back as
 * bare values (a thrown job as one small marker object): cheaper to pass along.
 */
export function serveLanes<J, R>(work: (job: J) => R): void {
  const port = parentPort;
  if (!port) throw new Error('serveLanes runs on a worker thread');
  port.on('message', (m: LaneBatch<J>) => {
    const results = m.jobs.map((j): R | LaneError => {
      try {
        return work(j);
      } catch (e) {
        return { __laneError: String((e as Error | null)?.message || e) };
      }
    });
    const answer: LaneAnswer<R> = { id: m.id, results };
    port.postMessage(answer);
  });
}

/** What a job that failed on an I/O error answers: the errno code and the message. */
export function ioFailure(e: unknown): { kind: 'error'; code: string | null; message: string } {
  const err = e as NodeJS.ErrnoException | null;
  return { kind: 'error', code: err?.code || null, message: String(err?.message || e) };
}
