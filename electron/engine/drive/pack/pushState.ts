import fs from 'node:fs';
import path from 'node:path';
import type { DriveKey } from './crypto';
import type { PlanFolders } from './folders';
import type { PushOptions, PushResult } from './push';
import { cancelSessions, packSession } from './sessions';
import { copyOf, deletePack, listPacks, markUploaded, type PackRow } from './store';

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
    session: packSession(s.o.db, pack, s.o.now),
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
 * without sending it again; one whose local copy is still there is uploaded, continuing its saved session
 * from the last byte Drive has; others are forgotten, and their contents are packed again. Saved sessions
 * no pack needs any more (or too old to trust) are cancelled first.
 */
export async function resumeStaged(s: PushState): Promise<void> {
  const { db } = s.o;
  const c = copyOf(s.o);
  const left: { pack: PackRow; file: string }[] = [];
  for (const pack of listPacks(db, c, 'staged')) {
    const there = (await s.o.remote.listAll({ parentId: s.folders.packs.id, name: pack.name })).find(
      (f) => f.md5Checksum === pack.md5,
    );
    const file = path.join(s.stagingDir, pack.name);
    if (there) {
      markUploaded(db, pack.id, there.id, s.o.now());
      fs.rmSync(file, { force: true });
      s.result.packsRecovered++;
    } else if (fs.existsSync(file) && fs.statSync(file).size === pack.size) {
      left.push({ pack, file });
    } else {
      deletePack(db, pack.id);
      fs.rmSync(file, { force: true });
    }
  }
  await cancelSessions(
    db,
    s.o.remote,
    c,
    left.map((l) => l.pack),
    s.o.now(),
  );
  for (const { pack, file } of left) await uploadPack(s, pack, file);
}

/** Where a push keeps small files it uploads (plan settings, the backup index) while it runs. */
export function pushTmp(stagingDir: string): string {
  return path.join(stagingDir, 'tmp');
}

/** Removes staged files no pack row names (written when a push was killed before recording them). */
export function cleanStaging(s: PushState): void {
  let names: string[];
  try {
    names = fs.readdirSync(s.stagingDir);
  } catch {
    return;
  }
  const keep = new Set(listPacks(s.o.db, copyOf(s.o), 'staged').map((p) => p.name));
  keep.add(path.basename(pushTmp(s.stagingDir)));
  for (const n of names) {
    if (!keep.has(n)) fs.rmSync(path.join(s.stagingDir, n), { recursive: true, force: true });
  }
}
