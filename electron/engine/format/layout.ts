import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsPath, readNames } from './fsName';
import { isStamp } from './stamp';

/** Where a plan's backups live on the destination (DESIGN.md section 3). */
export function planLayout(dest: string, planName: string) {
  const root = path.join(dest, planName);
  const meta = path.join(root, '.cairn');
  return {
    root,
    meta,
    manifests: path.join(meta, 'manifests'),
    partial: path.join(meta, 'partial'),
    lock: path.join(meta, 'lock'),
    backupDir: (stamp: string) => path.join(root, stamp),
    manifestFile: (stamp: string) => path.join(meta, 'manifests', `${stamp}.tsv.gz`),
    /** Where a backup's folder waits while prune or a removal deletes it (reconcile puts it back if still listed). */
    doomedDir: (stamp: string) => path.join(meta, 'partial', `pruned-${stamp}`),
    /** What no one needs any more (pruned backups, a killed run's leftovers), deleted by a sweep (retention/sweep.ts). */
    trash: path.join(meta, 'trash'),
    /** A new name in the trash for `what` (a folder's own name), unique among every run's. */
    trashSlot: (what: string) => path.join(meta, 'trash', `${what}.${randomBytes(6).toString('hex')}`),
  };
}

export type PlanLayout = ReturnType<typeof planLayout>;

/** Stamps of the backup folders present on the destination, oldest first. */
export function stampsOnDisk(layout: PlanLayout): string[] {
  try {
    return fs.readdirSync(layout.root).filter(isStamp).sort();
  } catch {
    return [];
  }
}

/** Stamps that have a manifest, oldest first. */
export function manifestStamps(layout: PlanLayout): string[] {
  try {
    return fs
      .readdirSync(layout.manifests)
      .filter((f) => f.endsWith('.tsv.gz') && isStamp(f.slice(0, -7)))
      .map((f) => f.slice(0, -7))
      .sort();
  } catch {
    return [];
  }
}

/** Removes a tree even where folders were made read-only (backups keep the source's modes). */
export function removeTree(p: string): void {
  try {
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    makeWritable(p);
    fs.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
  }
}

function makeWritable(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(fsPath(p));
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  fs.chmodSync(fsPath(p), (st.mode & 0o7777) | 0o700);
  for (const n of readNames(p)) makeWritable(path.join(p, n));
}

// Node has no syncfs(2); coreutils' `sync -f` calls it. fsync of every file would cost a syscall per file.
function syncArgs(dir: string): string[] {
  return process.platform === 'linux' ? ['-f', dir] : [];
}

/** Flushes the destination's file system to disk (syncfs), so a rename never publishes unwritten data. */
export function syncFileSystem(dir: string): void {
  const r = spawnSync('sync', syncArgs(dir), { stdio: 'ignore' });
  if (r.error || r.status !== 0) spawnSync('sync', [], { stdio: 'ignore' });
}

/** Runs `sync` without blocking the event loop; true when it succeeded. */
function syncInBackground(dir: string | null): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sync', dir === null ? [] : syncArgs(dir), { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** As syncFileSystem, while the event loop goes on (a backup keeps telling its progress as the disk writes). */
export async function syncFileSystemAsync(dir: string): Promise<void> {
  if (!(await syncInBackground(dir))) await syncInBackground(null);
}

/**
 * Flushes a file system in the background as data is written (a syncfs every `every` bytes, one at a time),
 * so that the disk works while the run goes on and the final syncfs has little left to write.
 */
export class Flusher {
  private written = 0;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dir: string,
    private readonly every = 64 << 20,
  ) {}

  wrote(bytes: number): void {
    this.written += bytes;
    if (this.written < this.every || this.running) return;
    this.written = 0;
    this.running = syncInBackground(this.dir).finally(() => (this.running = null));
  }

  /** Waits for the background flush running now, if any (then syncFileSystem makes all of it durable). */
  async settle(): Promise<void> {
    await this.running;
  }
}

/** fsyncs a folder so a rename inside it is durable. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
