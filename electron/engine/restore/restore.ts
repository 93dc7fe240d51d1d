import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { realish } from '../backup/checks';
import { makeDirs, refusePseudoFs } from '../format/pseudoFs';
import { Flusher, planLayout, syncFileSystem, type PlanLayout } from '../format/layout';
import { ManifestReader, type ManifestEntry } from '../format/manifest';
import { logActivity } from '../catalog/activity';
import type { BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { RestoreChange } from '../catalog/restores';
import type { Plan } from '../catalog/plans';
import { CairnError, describeError } from '../errors';
import { Applier, type Failure, type Locate, type RestoreCounts } from './apply';
import { localContent, type ContentSource } from './content';
import { placePool, type RestoreThreads } from './placePool';
import {
  applyDeletions,
  currentSources,
  deletionScope,
  deletionsFor,
  inPlaceLocator,
  labelOf,
  saveBeforeRestore,
  savedCursor,
} from './inPlace';
import { recordInPlace, stateOf } from './record';
import { SafeTree } from './safePath';
import { Selection } from './select';

export interface RestoreOptions {
  db: Db;
  plan: Plan;
  /** The backup: a catalog record, or only a stamp (id null) for one that is on Drive alone. */
  backup: Pick<BackupRecord, 'stamp'> & { id: number | null };
  /** Files or folders to restore, as paths in the backup (starting with the source's name); all when empty. */
  paths?: string[];
  /** Restore into this folder (made if missing); paths keep their source's name as the first folder. */
  to?: string;
  /** Restore to the original source folders, after saving what is there in a pinned backup. */
  inPlace?: boolean;
  /** Replace existing different files instead of keeping both (always so in place). */
  overwrite?: boolean;
  dryRun?: boolean;
  now: () => number;
  actor: string;
  /** Where file content comes from (default: the local backup folder). */
  source?: ContentSource;
  /** The backup's manifest file (default: the local one under .cairn/manifests). */
  manifestFile?: string;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
  /** Restores only the files this keeps (with --to only; a sampled restore test). */
  keepFile?: (e: ManifestEntry) => boolean;
}

export interface RestoreProgress {
  files: number;
  bytes: number;
  currentPath: string;
  startedAt: number;
}

export interface RestoreSummary extends RestoreCounts {
  backup: string;
  target: string;
  dryRun: boolean;
  /** The pinned backup of what an in-place restore replaced: restore it to undo. */
  beforeRestore: string | null;
  /** Folders an in-place restore left because they hold files no backup has (excluded ones). */
  keptFolders: string[];
  /** A dry run in place: what would be removed (the first 1,000; `deleted` counts them all). */
  wouldRemove: string[];
  failures: Failure[];
  durationMs: number;
}

/** Backups are never changed by a restore: refuse a target inside the plan's backup folder. */
function refuseInsideBackups(to: string, planRoot: string): void {
  const rel = path.relative(realish(planRoot), realish(to));
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw new CairnError(
      'usage',
      `${to} is inside the backups of this plan (${planRoot}); restore to a folder outside it, as backups are never changed.`,
    );
  }
}

function checkTarget(to: string): string {
  if (!path.isAbsolute(to)) return checkTarget(path.resolve(to));
  try {
    makeDirs(to);
  } catch (e) {
    throw new CairnError('dest-unwritable', `The restore folder ${to} cannot be made (${describeError(e)}).`);
  }
  if (!fs.statSync(to).isDirectory())
    throw new CairnError('usage', `${to} is not a folder; choose a folder to restore into.`);
  return fs.realpathSync(to);
}

/**
 * Restores a backup (or chosen paths of it) into a folder or back in place. Every file is written under a
 * temporary name, checked against the manifest's SHA-256 while it is written, given its mode and mtime and
 * renamed; symlinks come back as symlinks; nothing is ever written outside the target (see SafeTree).
 * Returns a summary; files that did not land are listed in `failures`.
 */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreSummary> {
  const t0 = performance.now();
  const startedAt = o.now();
  const { plan, backup } = o;
  const name = `${plan.name}/${backup.stamp}`;
  if (!!o.to === !!o.inPlace) throw new CairnError('usage', 'Say where to restore: --to DIR or --in-place.');
  const layout = planLayout(plan.dest, plan.name);
  const manifestFile = o.manifestFile ?? layout.manifestFile(backup.stamp);
  const source = o.source ?? localContent(layout.backupDir(backup.stamp));
  if (!o.source && !fs.existsSync(layout.backupDir(backup.stamp))) {
    throw new CairnError(
      'dest-missing',
      `The folder of backup ${name} is not there (${layout.backupDir(backup.stamp)}); is the backup disk plugged in?`,
    );
  }
  // The restore threads start now, so they are ready when the manifest is; whatever stops the restore
  // before they are handed over stops them too (closing them twice is harmless).
  const threads = !o.dryRun && source.localPath ? placePool() : undefined;
  try {
    return await restoreFrom(o, { t0, startedAt, name, layout, manifestFile, source, threads });
  } finally {
    await threads?.close();
  }
}

interface Prepared {
  t0: number;
  startedAt: number;
  name: string;
  layout: PlanLayout;
  manifestFile: string;
  source: ContentSource;
  threads: RestoreThreads | undefined;
}

async function restoreFrom(o: RestoreOptions, p: Prepared): Promise<RestoreSummary> {
  const { plan, backup } = o;
  const { t0, startedAt, name, layout, manifestFile, source } = p;
  const selection = new Selection(o.paths);
  // Checked first: ManifestReader.open crashes the process on a missing file (an unhandled stream error).
  const first = await Promise.resolve()
    .then(() => fs.accessSync(manifestFile, fs.constants.R_OK))
    .then(() => ManifestReader.open(manifestFile))
    .catch((e: unknown) => {
      throw new CairnError('corrupt', `The manifest of backup ${name} cannot be read (${describeError(e)}).`);
    });
  const header = first.header;
  const labels = new Set<string>();
  try {
    // With chosen paths, one pass first: they exist, and which sources they touch.
    if (selection.paths.length === 0) for (const src of header.sources) labels.add(src.label);
    else
      for (let e = await first.peek(); e; e = await first.peek()) {
        first.advance();
        if (selection.includes(e.path)) labels.add(labelOf(e.path));
      }
  } finally {
    first.close();
  }
  selection.checkAllFound(name);

  let locate: Locate;
  let target: string;
  let roots: string[];
  if (o.to) {
    refuseInsideBackups(o.to, layout.root);
    refusePseudoFs(o.to, 'The restore folder');
    target = o.dryRun && !fs.existsSync(o.to) ? path.resolve(o.to) : checkTarget(o.to);
    const tree = new SafeTree(target);
    locate = (p) => ({ tree, rel: p });
    roots = [target];
  } else {
    locate = inPlaceLocator(plan, header, labels, o.dryRun === true);
    roots = [...labels].map((l) => plan.sources.find((s) => s.label === l)!.path);
    target = roots.join(', ');
  }

  let before: BackupRecord | null = null;
  let cursor: Awaited<ReturnType<typeof savedCursor>> | null = null;
  // The caller runs the restore as an admitted job (app/jobs.ts): a prune meanwhile keeps this backup, and
  // in place, no other backup runs beside the "before restore" one.
  if (o.inPlace && !o.dryRun) before = await saveBeforeRestore(o.db, plan, backup, o.now, o.actor, o.signal);
  const manifest = await ManifestReader.open(manifestFile);
  const progress = { last: 0 };
  // In place, the restored files replace the ones in use: the restore ends once they are on disk (flushed
  // in the background as it goes, then synced). With --to, writing them out is left to the system, as cp
  // and rsync leave it (within half a minute; `sync` before unplugging a disk restored to).
  const durable = o.inPlace === true && !o.dryRun;
  const flushers = new Map<string, Flusher>();
  // In place, "everything" is every folder source: database dumps go back with cairn dbsource restore.
  const chosen = o.inPlace && selection.paths.length === 0 ? new Selection([...labels]) : selection;
  const beside = new Map<string, RestoreChange>();
  const applier = new Applier({
    manifest,
    selection: chosen,
    locate,
    source,
    stamp: backup.stamp,
    overwrite: o.inPlace === true || o.overwrite === true,
    dryRun: o.dryRun === true,
    saved: o.inPlace ? (p) => (cursor ? cursor.saved(p) : Promise.resolve(true)) : undefined,
    keepFile: o.keepFile,
    signal: o.signal,
    threads: p.threads,
    onBeside: (e, at) => beside.set(e.path, { path: at, before: null, after: stateOf(e) }),
    onWrite: durable
      ? (root, bytes) => {
          let f = flushers.get(root);
          if (!f) flushers.set(root, (f = new Flusher(root)));
          f.wrote(bytes);
        }
      : undefined,
    onEntry: o.onProgress
      ? (c, p) => {
          const t = performance.now();
          if (t - progress.last < 200) return;
          progress.last = t;
          const files = c.written + c.overwritten + c.keptBoth + c.skipped;
          o.onProgress!({
            files,
            bytes: c.writtenBytes + c.overwrittenBytes + c.keptBothBytes + c.skippedBytes,
            currentPath: p,
            startedAt,
          });
        }
      : undefined,
  });
  let keptFolders: string[] = [];
  let wouldRemove: string[] = [];
  let unrecorded: unknown = null;
  const scope = deletionScope(new Selection(o.paths), labels);
  try {
    if (before) {
      const savedFile = layout.manifestFile(before.stamp);
      const doomed = await deletionsFor(await ManifestReader.open(savedFile), manifestFile, scope);
      keptFolders = applyDeletions(doomed, locate, applier);
      cursor = await savedCursor(savedFile);
    } else if (o.inPlace) {
      const doomed = await deletionsFor(currentSources(plan, labels), manifestFile, scope);
      applier.counts.deleted = doomed.length;
      wouldRemove = doomed.map((d) => d.path).slice(0, 1000);
    }
    await applier.run();
    for (const f of flushers.values()) await f.settle();
    if (!o.dryRun) applier.finishDirs();
    if (durable) for (const root of roots) syncFileSystem(root);
  } finally {
    await applier.close();
    // Recorded however the restore ended (cut short too): an undo then finds the paths it did not reach
    // as they were, and leaves them.
    if (before) {
      const record = {
        before,
        chosen,
        scope,
        beside,
        keptFolders,
        savedFile: layout.manifestFile(before.stamp),
      };
      unrecorded = await recordRestore(o, manifestFile, applier, record).then(
        () => null,
        (e: unknown) => e,
      );
    }
    manifest.close();
    cursor?.close();
    await source.close?.();
  }
  if (unrecorded) {
    throw new CairnError(
      'io',
      `Restored ${name}, but what it changed could not be recorded (${describeError(unrecorded)}), so it cannot be undone; what was there before is in ${plan.name}/${before!.stamp}.`,
    );
  }
  const summary: RestoreSummary = {
    ...applier.counts,
    backup: name,
    target,
    dryRun: o.dryRun === true,
    beforeRestore: before ? `${plan.name}/${before.stamp}` : null,
    keptFolders,
    wouldRemove,
    failures: applier.failures,
    durationMs: performance.now() - t0,
  };
  if (!o.dryRun) logRestore(o, summary);
  return summary;
}

/** Keeps in the catalog what an in-place restore changed (see record.ts). */
function recordRestore(
  o: RestoreOptions,
  restoredFile: string,
  applier: Applier,
  r: {
    before: BackupRecord;
    chosen: Selection;
    scope: (p: string) => boolean;
    beside: Map<string, RestoreChange>;
    keptFolders: string[];
    savedFile: string;
  },
): Promise<number> {
  return recordInPlace({
    db: o.db,
    planId: o.plan.id,
    stamp: o.backup.stamp,
    restoredFile,
    safety: r.before,
    savedFile: r.savedFile,
    chosen: r.chosen,
    removable: r.scope,
    unchanged: new Set([...applier.failures.map((f) => f.path), ...r.keptFolders]),
    beside: r.beside,
    at: o.now(),
    actor: o.actor,
  });
}

function logRestore(o: RestoreOptions, s: RestoreSummary): void {
  const files = s.written + s.overwritten + s.keptBoth;
  logActivity(o.db, {
    at: o.now(),
    planId: o.plan.id,
    backupId: o.backup.id,
    kind: 'restore',
    level: s.failed > 0 ? 'error' : 'info',
    actor: o.actor,
    message:
      `Restored ${s.backup} to ${s.target}: ${files} file(s) written and verified, ${s.skipped} already there` +
      (s.deleted ? `, ${s.deleted} removed` : '') +
      (s.failed ? `; ${s.failed} did not land` : '') +
      (s.beforeRestore
        ? `; what was there before is in ${s.beforeRestore} (undo: cairn undo ${s.beforeRestore})`
        : ''),
    details: { failures: s.failures.slice(0, 20), beforeRestore: s.beforeRestore, paths: o.paths ?? [] },
  });
}
