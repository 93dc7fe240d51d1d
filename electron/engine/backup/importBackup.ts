import fs from 'node:fs';
import path from 'node:path';
import { insertBackup, listBackups, type BackupRecord } from '../catalog/backups';
import type { Db } from '../catalog/db';
import type { Plan } from '../catalog/plans';
import { applyChanges, closeAllOpen } from '../catalog/versions';
import { LineSink } from '../format/lineSink';
import { comparePaths, escapeField, formatEntry, ManifestReader, sameVersion } from '../format/manifest';
import type { PlanLayout } from '../format/layout';
import { parseStamp } from '../format/stamp';

/**
 * Writes the changes between two manifests ("-path" for versions that end, "+entry" for new ones) by
 * merge-joining them while streaming. Returns the counts of the new manifest and what is new in it.
 */
export async function diffManifests(prevFile: string | null, curFile: string, outFile: string) {
  const cur = await ManifestReader.open(curFile);
  const prev = prevFile ? await ManifestReader.open(prevFile) : null;
  const out = new LineSink(outFile, false);
  const counts = { files: 0, dirs: 0, symlinks: 0, bytes: 0, newFiles: 0, newBytes: 0, entries: 0 };
  try {
    for (let e = await cur.peek(); e; e = await cur.peek()) {
      cur.advance();
      counts.entries++;
      if (e.kind === 'f') {
        counts.files++;
        counts.bytes += e.size;
      } else if (e.kind === 'd') counts.dirs++;
      else counts.symlinks++;
      let same = false;
      if (prev) {
        for (let p = await prev.peek(); p; p = await prev.peek()) {
          const c = comparePaths(p.path, e.path);
          if (c > 0) break;
          prev.advance();
          if (c === 0) {
            same = sameVersion(p, e);
            if (!same) await out.add(`-${escapeField(p.path)}`);
            break;
          }
          await out.add(`-${escapeField(p.path)}`);
        }
      }
      if (!same) {
        await out.add(`+${formatEntry(e)}`);
        if (e.kind === 'f') {
          counts.newFiles++;
          counts.newBytes += e.size;
        }
      }
    }
    for (let p = prev ? await prev.peek() : null; p && prev; p = await prev.peek()) {
      prev.advance();
      await out.add(`-${escapeField(p.path)}`);
    }
    if (!cur.footer || cur.footer.entries !== counts.entries) {
      throw new Error(`${curFile} is incomplete or damaged`);
    }
    await out.finish();
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    cur.close();
    prev?.close();
  }
  return { header: cur.header, counts };
}

/**
 * Records a complete backup folder found on the destination (from its manifest) in the catalog, after the
 * newest backup the catalog already has for the plan. Used by `cairn import` and after a crash between the
 * rename that published a backup and the catalog commit.
 */
export async function importBackup(
  db: Db,
  plan: Plan,
  layout: PlanLayout,
  stamp: string,
  now: number,
): Promise<BackupRecord> {
  const prev = listBackups(db, { planId: plan.id, limit: 1 })[0];
  if (prev && prev.stamp >= stamp) {
    throw new Error(`backup ${stamp} is older than the newest one in the catalog (${prev.stamp})`);
  }
  const prevManifest = prev ? layout.manifestFile(prev.stamp) : null;
  const usePrev = prevManifest !== null && fs.existsSync(prevManifest);
  const tmp = path.join(layout.partial, `import-${stamp}.changes`);
  fs.mkdirSync(layout.partial, { recursive: true });
  fs.rmSync(tmp, { force: true });
  try {
    const { header, counts } = await diffManifests(
      usePrev ? prevManifest : null,
      layout.manifestFile(stamp),
      tmp,
    );
    const st = fs.statSync(layout.backupDir(stamp));
    return recordDiffedBackup(db, plan, {
      stamp,
      startedAt: header.startedAt || parseStamp(stamp),
      finishedAt: Math.max(st.mtimeMs, header.startedAt || 0) || now,
      counts,
      note: 'imported from the destination',
      prevId: prev?.id ?? null,
      usePrev,
      changesFile: tmp,
    });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Records, in one transaction, a backup whose changes against the catalog's newest backup were written by
 * diffManifests: the backup row, then the versions that end and begin with it (every open version ends
 * when there was no previous manifest to compare with).
 */
export function recordDiffedBackup(
  db: Db,
  plan: Plan,
  o: {
    stamp: string;
    startedAt: number;
    finishedAt: number;
    counts: Awaited<ReturnType<typeof diffManifests>>['counts'];
    note: string;
    prevId: number | null;
    usePrev: boolean;
    changesFile: string;
  },
): BackupRecord {
  const { counts } = o;
  return db.transaction(() => {
    const rec = insertBackup(db, {
      planId: plan.id,
      stamp: o.stamp,
      status: 'complete',
      startedAt: o.startedAt,
      finishedAt: o.finishedAt,
      files: counts.files,
      dirs: counts.dirs,
      symlinks: counts.symlinks,
      bytes: counts.bytes,
      newFiles: counts.newFiles,
      newBytes: counts.newBytes,
      linkedFiles: counts.files - counts.newFiles,
      skipped: 0,
      warnings: 0,
      note: o.note,
    });
    if (!o.usePrev && o.prevId !== null) closeAllOpen(db, plan.id, o.prevId);
    applyChanges(db, plan.id, rec.id, o.usePrev ? o.prevId : null, o.changesFile);
    return rec;
  })();
}
