/**
 * Where things live in the user's Drive (DESIGN.md section 5):
 *   Cairn/<machine>/<plan>/packs/<id>.tar.gz[.age]            contents, members named by SHA-256
 *   Cairn/<machine>/<plan>/manifests/<stamp>.tsv.gz[.age]     the backup's manifest (the local format)
 *   Cairn/<machine>/<plan>/manifests/<stamp>.packs.tsv.gz[.age]  "<sha256> TAB <pack file>" per content
 *   Cairn/<machine>/<plan>/keys/identity.age                  the age key, encrypted with the password
 *   Cairn/<machine>/<plan>/plan.json[.age]                    the plan's settings, for `cairn drive import`
 *   Cairn/<machine>/<plan>/backups.json[.age]                 pins, notes and statuses of the backups
 *   Cairn/<machine>/<plan>/README.txt                         how to restore with sh, tar, gzip and age
 */
export const ROOT_FOLDER = 'Cairn';

export function planPath(machine: string, plan: string): string[] {
  return [ROOT_FOLDER, machine, plan];
}

const suffix = (encrypted: boolean) => (encrypted ? '.age' : '');

export function packName(id: string, encrypted: boolean): string {
  return `${id}.tar.gz${suffix(encrypted)}`;
}

export function manifestName(stamp: string, encrypted: boolean): string {
  return `${stamp}.tsv.gz${suffix(encrypted)}`;
}

export function mapName(stamp: string, encrypted: boolean): string {
  return `${stamp}.packs.tsv.gz${suffix(encrypted)}`;
}

export function planFileName(encrypted: boolean): string {
  return `plan.json${suffix(encrypted)}`;
}

export const IDENTITY_FILE = 'identity.age';
export const README_FILE = 'README.txt';

/** Reads the stamp out of a manifest's name on Drive, and whether it is encrypted; null for other files. */
export function parseManifestName(name: string): { stamp: string; encrypted: boolean } | null {
  const m = /^(\d{4}-\d{2}-\d{2}_\d{6})\.tsv\.gz(\.age)?$/.exec(name);
  return m ? { stamp: m[1]!, encrypted: m[2] !== undefined } : null;
}

/** appProperties that mark Cairn's files, so a lost create is found rather than made twice. */
export const props = {
  pack: (id: string) => ({ cairnPack: id }),
  manifest: (stamp: string) => ({ cairnManifest: stamp }),
  map: (stamp: string) => ({ cairnPackMap: stamp }),
};
