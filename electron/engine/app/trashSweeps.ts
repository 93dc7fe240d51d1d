// Who empties the plans' trash in this process: in a long-lived one (the app, `cairn serve`) sweeps run in
// the background on threads; a `cairn` command sweeps a small prune inline and leaves a big one to a
// detached child process, so that neither waits for a big deletion.
import type { Plan } from '../catalog/plans';
import { describeError } from '../errors';
import { planLayout } from '../format/layout';
import { trashIsEmpty, type TrashSweeper } from '../format/trash';
import { unlinkTree } from '../format/unlinkTree';
import { sweepTrash } from '../retention/sweep';

type PlanPlace = Pick<Plan, 'dest' | 'name'>;

export interface TrashSweepsOptions {
  /** Starts a sweep of the plan's trash in another process (the CLI); in this one, on threads, when absent. */
  detach?: (plan: PlanPlace) => void;
  /** A prune of fewer entries than this sweeps its folders inline (the CLI: small setups as before). */
  inlineBelow?: number;
  log?: (line: string) => void;
}

/** The trash sweeps of this process (JobCoordinator.trash). */
export class TrashSweeps implements TrashSweeper {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly detached = new Set<string>();
  private readonly stop = new AbortController();

  constructor(private readonly o: TrashSweepsOptions = {}) {}

  /** After a prune or removal: small ones inline where allowed, else (and for anything left) a sweep. */
  dropped(plan: PlanPlace, moved: string[], entries: number): void {
    if (entries < (this.o.inlineBelow ?? 0)) for (const p of moved) unlinkTree(p);
    this.beside(plan);
  }

  /** Starts a sweep of the plan's trash when it holds anything, never waiting for it. */
  beside(plan: PlanPlace): void {
    const trash = planLayout(plan.dest, plan.name).trash;
    if (this.stop.signal.aborted || trashIsEmpty(trash)) return;
    if (!this.o.detach) return this.background(trash);
    // One child per trash and command: it goes on until the trash is empty.
    if (this.detached.has(trash)) return;
    this.detached.add(trash);
    this.o.detach(plan);
  }

  private background(trash: string): void {
    if (this.running.has(trash)) {
      this.again.add(trash);
      return;
    }
    const run = async () => {
      do {
        this.again.delete(trash);
        await sweepTrash(trash, this.stop.signal);
      } while (this.again.has(trash) && !this.stop.signal.aborted);
    };
    const p = run()
      .catch((e: unknown) => {
        if (!this.stop.signal.aborted)
          this.o.log?.(`Emptying ${trash} stopped (the next sweep goes on): ${describeError(e)}`);
      })
      .finally(() => this.running.delete(trash));
    this.running.set(trash, p);
  }

  /** Settles when no sweep of this process runs. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Waits `boundMs` at most for the sweeps, then stops them (what is left waits for the next sweep). */
  async close(boundMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((r) => (timer = setTimeout(r, boundMs)));
    await Promise.race([this.idle(), bound]);
    clearTimeout(timer);
    this.stop.abort();
    await this.idle();
  }
}
