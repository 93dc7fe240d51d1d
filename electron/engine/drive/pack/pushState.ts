import fs from 'node:fs';
import path from 'node:path';
import type { DriveKey } from './crypto';
import type { PlanFolders } from './folders';
import type { PushOptions, PushResult } from './push';
import { deletePack, listPacks, markUploaded, type PackRow } from './store';

/** What one push carries from backup to backup. */
export interface PushState {
  o: PushOptions;
  folders: PlanFolders;
  key: DriveKey | null;
  stagingDir: string;
  result: PushResult;
  startBytes: number;
}

/** Reports progress, with the bytes sent so far. */
export function progress(s: PushState, stamp: string | null): void {
  s.result.bytesUploaded = s.o.remote.stats.bytesUploaded - s.startBytes;
  s.o.onProgress?.({
    planName: s.o.plan.name,
    stamp,
    packsUploaded: s.result.packsUploaded,
    bytesUploaded: s.result.bytesUploaded,
    contentBytes: s.result.contentBytes,
    waitingUntil: null,
  });
}

/** Uploads one staged pack and marks it uploaded; removes the local copy. */
export async function uploadPack(s: PushState, pack: PackRow, file: string): Promise<void> {
  const { file: f } = await s.o.remote.upload({
    parentId: s.folders.packs.id,
    name: pack.name,
    source: { path: file },
    mimeType: pack.encrypted ? 'application/octet-stream' : 'application/gzip',
    appProperties: { cairnPack: pack.name },
    signal: s.o.signal,
    onProgress: () => progress(s, null),
  });
  markUploaded(s.o.db, pack.id, f.id, s.o.now());
  fs.rmSync(file, { force: true });
  s.result.packsUploaded++;
  progress(s, null);
}

/**
 * Packs a killed push left "staged": one Drive already has whole (same name and MD5) is marked uploaded
 * without sending it again; one whose local copy is still there is uploaded; others are forgotten, and
 * their contents are packed again.
 */
export async function resumeStaged(s: PushState): Promise<void> {
  for (const pack of listPacks(s.o.db, s.o.plan.id, 'staged')) {
    const there = (await s.o.remote.listAll({ parentId: s.folders.packs.id, name: pack.name })).find(
      (f) => f.md5Checksum === pack.md5,
    );
    const file = path.join(s.stagingDir, pack.name);
    if (there) {
      markUploaded(s.o.db, pack.id, there.id, s.o.now());
      fs.rmSync(file, { force: true });
      s.result.packsRecovered++;
    } else if (fs.existsSync(file) && fs.statSync(file).size === pack.size) {
      await uploadPack(s, pack, file);
    } else {
      deletePack(s.o.db, pack.id);
      fs.rmSync(file, { force: true });
    }
  }
}

/** Removes staged files no pack row names (written when a push was killed before recording them). */
export function cleanStaging(s: PushState): void {
  let names: string[];
  try {
    names = fs.readdirSync(s.stagingDir);
  } catch {
    return;
  }
  const staged = new Set(listPacks(s.o.db, s.o.plan.id, 'staged').map((p) => p.name));
  for (const n of names)
    if (!staged.has(n)) fs.rmSync(path.join(s.stagingDir, n), { recursive: true, force: true });
}
