import { FOLDER_MIME, type DriveRemote } from '../types';
import { parseManifestName, parseMapName, ROOT_FOLDER } from './layout';

/** A backup found on Drive by its files (no catalog needed). */
export interface RemoteBackup {
  machine: string;
  plan: string;
  stamp: string;
  encrypted: boolean;
  /** When its manifest reached Drive. */
  uploadedAt: string | null;
}

/**
 * Lists the backups on Drive, newest first, from the folders alone: every Cairn/<machine>/<plan>/manifests
 * entry that has its pack map, full or delta (a manifest without one is a push that has not finished); a
 * delta's parent is not checked here (cairn drive verify does). Works on a new
 * machine before `cairn drive import`.
 */
export async function listDriveBackups(remote: DriveRemote): Promise<RemoteBackup[]> {
  const folders = (parentId: string) => remote.listAll({ parentId, mimeType: FOLDER_MIME });
  const root = (await remote.listAll({ parentId: 'root', name: ROOT_FOLDER, mimeType: FOLDER_MIME }))[0];
  if (!root) return [];
  const out: RemoteBackup[] = [];
  for (const machine of await folders(root.id)) {
    for (const plan of await folders(machine.id)) {
      const man = (await folders(plan.id)).find((f) => f.name === 'manifests');
      if (!man) continue;
      const files = await remote.listAll({ parentId: man.id });
      const mapped = new Set(files.map((f) => parseMapName(f.name)?.stamp));
      for (const f of files) {
        const p = parseManifestName(f.name);
        if (!p || !mapped.has(p.stamp)) continue;
        out.push({
          machine: machine.name,
          plan: plan.name,
          stamp: p.stamp,
          encrypted: p.encrypted,
          uploadedAt: f.createdTime,
        });
      }
    }
  }
  return out.sort((a, b) => b.stamp.localeCompare(a.stamp) || a.plan.localeCompare(b.plan));
}
