import fs from 'node:fs';
import { writeBackupIndex } from '../catalog/backupIndex';
import { logActivity } from '../catalog/activity';
import {
  insertBackup,
  insertWarnings,
  latestGoodBackup,
  listBackups,
  type BackupRecord,
} from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { closeAllOpen, StagedChanges } from '../catalog/versions';
import { stageDatabases } from '../dbsource/stage';
import { listDbSources } from '../dbsource/store';
import type { SecretStore } from '../secrets/store';
import { CairnError, describeError, errnoCode } from '../errors';
import { checkPlanFolders } from './checks';
import { excludeMatcher } from '../format/excludes';
import { reconcile, writePlanFile } from './reconcile';
import {
  Flusher,
  fsyncDir,
  planLayout,
  removeTree,
  syncFileSystemAsync,
  type PlanLayout,
} from '../format/layout';
import { LineSink } from '../format/lineSink';
import { ManifestReader, ManifestWriter } from '../format/manifest';
import { formatStamp } from '../format/stamp';
import { destError, type Warning, type WalkStats } from './fileCopier';
import { Walker } from './walk';
import { entriesOf, inlineSweeper, moveToTrash, trashIsEmpty, type TrashSweeper } from '../format/trash';

export interface BackupProgress extends WalkStats {
  planName: string;
  stamp: string;
  startedAt: number;
  /** Bytes linked or copied so far, inside files still copying too. */
  bytesDone: number;
  /** What the run covers: exact when `counted`, else at least this much (the walk and the count go on). */
  totalFiles: number;
  totalBytes: number;
  counted: boolean;
}

/** How often a run tells its progress at the least, even while one large file copies. */
const PROGRESS_EVERY_MS = 500;
/** How often the run looks at the bytes copied, to let the disk write them back as it goes (Flusher). */
const WRITEBACK_EVERY_MS = 250;

export interface BackupRunOptions {
  db: Db;
  plan: Plan;
  now: () => number;
  /** Who asked: "cli", "schedule", "ui". */
  actor: string;
  note?: string;
  pin?: boolean;
  /** A person asked for this backup (cairn backup, "Back up now"): with a note, retention keeps it longer. */
  manual?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: BackupProgress) => void;
  /** How often progress is told at the least (default 500 ms). */
  progressEveryMs?: number;
  /**
   * Where database sources' passwords are (the runtime's one store). Null leaves the plan's databases out:
   * only the "before restore" backup does that, which saves files an in-place restore would replace.
   */
  secrets: SecretStore | null;
  /** Empties the trash a failed run's partial folder goes to (inline when not given). */
  trash?: TrashSweeper;
}

export interface BackupOutcome {
  backup: BackupRecord;
  warnings: Warning[];
}

/** Exit code for a finished run: 0 done, 1 done with warnings. */
export function backupExitCode(b: BackupRecord): number {
  return b.status === 'complete' ? 0 : b.status === 'warnings' ? 1 : 2;
}

function uniqueStamp(layout: PlanLayout, taken: Set<string>, ms: number): string {
  for (let t = ms; ; t += 1000) {
    const s = formatStamp(t);
    if (!taken.has(s) && !fs.existsSync(layout.backupDir(s))) return s;
  }
}

/**
 * Makes one backup of a plan: a complete, dated folder under the destination that becomes visible only by
 * an atomic rename once everything is written and synced, then recorded in the catalog. The caller runs it
 * as an admitted "backup" job (app/jobs.ts): no other backup or prune of the plan runs meanwhile.
 */
export async function runBackup(o: BackupRunOptions): Promise<BackupOutcome> {
  const { db, plan } = o;
  const startedAt = o.now();
  const layout = planLayout(plan.dest, plan.name);
  let stamp = formatStamp(startedAt);
  let walker: Walker | null = null;
  const partialFiles: string[] = [];
  const sinks: { abort(): Promise<void> }[] = [];
  const base: { reader: ManifestReader | null } = { reader: null };
  let ticker: NodeJS.Timeout | null = null;
  let writeback: NodeJS.Timeout | null = null;
  let staged: StagedChanges | null = null;
  const flusher = new Flusher(layout.root, 256 << 20);
  try {
    checkPlanFolders(plan);
    try {
      fs.mkdirSync(layout.manifests, { recursive: true });
      fs.mkdirSync(layout.partial, { recursive: true });
    } catch (e) {
      throw destError(
        errnoCode(e) === 'EACCES'
          ? new CairnError(
              'dest-unwritable',
              `The backup folder ${plan.dest} cannot be written; check its permissions.`,
            )
          : e,
        layout.meta,
      );
    }
    writePlanFile(layout, plan, listDbSources(db, plan.id));
    const notes = await reconcile(db, plan, layout, startedAt);
    for (const n of notes)
      logActivity(db, {
        at: o.now(),
        planId: plan.id,
        kind: 'backup',
        level: 'warning',
        actor: o.actor,
        message: n,
      });

    stamp = uniqueStamp(layout, new Set(listBackups(db, { planId: plan.id }).map((b) => b.stamp)), startedAt);
    const prev = latestGoodBackup(db, plan.id);
    const outRoot = `${layout.partial}/${stamp}`;
    const manifestTmp = `${layout.partial}/${stamp}.tsv.gz`;
    const changesFile = `${layout.partial}/${stamp}.changes`;
    partialFiles.push(outRoot, manifestTmp, changesFile);
    fs.mkdirSync(outRoot);

    let baseRoot: string | null = null;
    if (prev && fs.existsSync(layout.backupDir(prev.stamp))) {
      try {
        base.reader = await ManifestReader.open(layout.manifestFile(prev.stamp));
        baseRoot = layout.backupDir(prev.stamp);
      } catch (e) {
        logActivity(db, {
          at: o.now(),
          planId: plan.id,
          kind: 'backup',
          level: 'warning',
          actor: o.actor,
          message: `The previous backup's manifest could not be read (${describeError(e)}); every file is copied again.`,
        });
      }
    }
    const manifest = new ManifestWriter(manifestTmp, {
      version: 1,
      plan: plan.name,
      stamp,
      startedAt,
      sources: plan.sources,
    });
    const changes = new LineSink(changesFile, false);
    sinks.push(manifest, changes);
    logActivity(db, {
      at: startedAt,
      planId: plan.id,
      kind: 'backup',
      actor: o.actor,
      message: `Backup ${stamp} started`,
    });

    walker = new Walker({
      outRoot,
      baseRoot,
      base: base.reader,
      manifest,
      changes,
      signal: o.signal,
      onProgress: o.onProgress ? () => report() : undefined,
    });
    const w = walker;
    const report = () => {
      const t = w.totals();
      o.onProgress?.({
        ...w.stats,
        planName: plan.name,
        stamp,
        startedAt,
        bytesDone: w.bytesDone,
        totalFiles: t.files,
        totalBytes: t.bytes,
        counted: t.counted,
      });
    };
    if (o.onProgress) ticker = setInterval(report, o.progressEveryMs ?? PROGRESS_EVERY_MS);
    // Copied data is flushed in the background while the walk goes on: the disk writes as the copy threads
    // read, and the final sync before publishing has little left to do.
    let copied = 0;
    writeback = setInterval(() => {
      flusher.wrote(w.bytesCopied - copied);
      copied = w.bytesCopied;
    }, WRITEBACK_EVERY_MS);
    const matcher = excludeMatcher(plan.excludes);
    // Database sources are dumped first into the partial area, then walked as sources (dbsource/stage.ts).
    const dbs = o.secrets
      ? await stageDatabases({
          db,
          plan,
          dir: `${outRoot}-db`,
          stamp,
          now: o.now,
          secrets: o.secrets,
          signal: o.signal,
        })
      : { dir: `${outRoot}-db`, roots: [], warnings: [] };
    partialFiles.push(dbs.dir);
    const whole = excludeMatcher([]); // a database dump is backed up whole: the plan's excludes are for files
    await walker.run([
      ...plan.sources.map((s) => ({ ...s, matcher })),
      ...dbs.roots.map((s) => ({ ...s, matcher: whole })),
    ]);
    for (const w of dbs.warnings) walker.warn(w.path, w.message);
    await manifest.finish();
    await changes.finish();
    base.reader?.close();
    o.signal?.throwIfAborted();

    // Publish: data on disk first, then the manifest, then the folder (DESIGN.md section 1).
    clearInterval(writeback);
    await flusher.settle();
    // The changes are read into the catalog's staging while the disk syncs (another process does that).
    const synced = syncFileSystemAsync(layout.root);
    staged = new StagedChanges(db, changesFile);
    await synced;
    fs.renameSync(manifestTmp, layout.manifestFile(stamp));
    fsyncDir(layout.manifests);
    fs.renameSync(outRoot, layout.backupDir(stamp));
    fsyncDir(layout.root);

    const s = walker.stats;
    const backup = db.transaction(() => {
      const rec = insertBackup(db, {
        planId: plan.id,
        stamp,
        status: s.warnings > 0 ? 'warnings' : 'complete',
        startedAt,
        finishedAt: o.now(),
        files: s.files,
        dirs: s.dirs,
        symlinks: s.symlinks,
        bytes: s.bytes,
        newFiles: s.newFiles,
        newBytes: s.newBytes,
        linkedFiles: s.linkedFiles,
        skipped: s.skipped,
        warnings: s.warnings,
        note: o.note ?? null,
        pinned: o.pin ?? false,
        manual: o.manual ?? false,
      });
      if (prev && !baseRoot) closeAllOpen(db, plan.id, prev.id);
      staged!.apply(plan.id, rec.id, prev ? prev.id : null);
      insertWarnings(db, rec.id, walker!.warnings);
      logActivity(db, {
        at: o.now(),
        planId: plan.id,
        backupId: rec.id,
        kind: 'backup',
        level: rec.status === 'complete' ? 'info' : 'warning',
        actor: o.actor,
        message:
          `Backup ${stamp} ${rec.status === 'complete' ? 'completed' : `completed with ${s.warnings} warning(s)`}: ` +
          `${s.files} files, ${s.newFiles} new or changed (${s.newBytes} bytes)`,
        details: { warnings: walker!.warnings.slice(0, 20) },
      });
      return rec;
    })();
    fs.rmSync(changesFile, { force: true });
    removeTree(dbs.dir);
    writeBackupIndex(db, plan);
    return { backup, warnings: walker.warnings };
  } catch (e) {
    if (writeback) clearInterval(writeback);
    await walker?.settle();
    await flusher.settle();
    await Promise.all(sinks.map((s) => s.abort()));
    base.reader?.close();
    // Looked at before this run's own partial folder goes there: the note is about earlier backups' space.
    const err = withTrashNote(e, layout);
    const trashed = partialFiles.map((f) => moveToTrash(layout, f)).filter((t) => t !== null);
    (o.trash ?? inlineSweeper).dropped(plan, trashed, entriesOf([walker?.stats ?? NO_ENTRIES]));
    recordFailure(o, stamp, startedAt, walker, err);
    throw err;
  } finally {
    staged?.drop();
    if (ticker) clearInterval(ticker);
    if (writeback) clearInterval(writeback);
  }
}

const NO_ENTRIES = { files: 0, dirs: 0, symlinks: 0 };

/** A disk full while the trash still holds pruned backups: their space is on its way back (the sweep). */
function withTrashNote(e: unknown, layout: PlanLayout): unknown {
  if (!(e instanceof CairnError) || e.code !== 'disk-full' || trashIsEmpty(layout.trash)) return e;
  return new CairnError(
    'disk-full',
    `${e.message} The space of pruned backups is still being freed; try again shortly.`,
  );
}

function recordFailure(
  o: BackupRunOptions,
  stamp: string,
  startedAt: number,
  walker: Walker | null,
  e: unknown,
): void {
  const s = walker?.stats;
  const cancelled = (e instanceof CairnError && e.code === 'cancelled') || o.signal?.aborted;
  const message = cancelled ? 'The backup was cancelled; nothing was kept.' : describeError(e);
  insertBackup(o.db, {
    planId: o.plan.id,
    stamp,
    status: 'failed',
    startedAt,
    finishedAt: o.now(),
    files: s?.files ?? 0,
    dirs: s?.dirs ?? 0,
    symlinks: s?.symlinks ?? 0,
    bytes: s?.bytes ?? 0,
    newFiles: s?.newFiles ?? 0,
    newBytes: s?.newBytes ?? 0,
    linkedFiles: s?.linkedFiles ?? 0,
    skipped: s?.skipped ?? 0,
    warnings: s?.warnings ?? 0,
    note: o.note ?? null,
    error: message,
  });
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    kind: 'backup',
    level: cancelled ? 'warning' : 'error',
    actor: o.actor,
    message: `Backup ${cancelled ? 'cancelled' : 'failed'}: ${message}`,
  });
}
