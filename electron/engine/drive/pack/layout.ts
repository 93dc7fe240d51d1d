/**
 * Where things live in the user's Drive (DESIGN.md section 5):
 *   Cairn/<machine>/<plan>/packs/<id>.tar.gz[.age]            contents, members named by SHA-256
 *   Cairn/<machine>/<plan>/manifests/<stamp>.tsv.gz[.age]     the backup's manifest (the local format)
 *   Cairn/<machine>/<plan>/manifests/<stamp>.packs.tsv.gz[.age]  "<sha256> TAB <pack file>" per content;
 *                                                             a pieced content has one line per piece (mapLine)
 *   Cairn/<machine>/<plan>/manifests/<stamp>[.packs].delta.tsv.gz[.age]  the same as deltas (delta.ts)
 *   Cairn/<machine>/<plan>/keys/identity.age                  the age key, encrypted with the password
 *   Cairn/<machine>/<plan>/plan.json[.age]                    the plan's settings, for `cairn drive import`
 *   Cairn/<machine>/<plan>/backups.json[.age]                 pins, notes and statuses of the backups
 *   Cairn/<machine>/<plan>/README.txt                         how to restore with sh, tar, gzip and age
 */
export const ROOT_FOLDER = 'Cairn';

/** A content this large or larger goes to Drive as pieces, each a pack member of its own (format16 §1). */
export const PIECE_THRESHOLD = 64 * 1024 * 1024;
/** The size of a piece: piece k covers bytes [k * PIECE_SIZE, min((k + 1) * PIECE_SIZE, size)). */
export const PIECE_SIZE = 8 * 1024 * 1024;

/** One piece of a pieced content: its index from 0, its own SHA-256 (its member name) and size. */
export interface Piece {
  index: number;
  sha256: string;
  size: number;
}

/** The size of piece `index` of a content of `size` bytes. */
export function pieceSize(size: number, index: number): number {
  return Math.max(0, Math.min(PIECE_SIZE, size - index * PIECE_SIZE));
}

/** One line of a pack map: `SHA256 TAB PACK`, or for a piece `SHA256 TAB PACK TAB INDEX TAB PIECE_SHA256`. */
export interface MapLine {
  sha256: string;
  pack: string;
  piece?: { index: number; sha256: string };
}

export function mapLine(l: MapLine): string {
  return l.piece ? `${l.sha256}\t${l.pack}\t${l.piece.index}\t${l.piece.sha256}` : `${l.sha256}\t${l.pack}`;
}

/** Reads a pack map line of either form; null for a blank or malformed line. */
export function parseMapLine(line: string): MapLine | null {
  const [sha256, pack, index, piece] = line.split('\t');
  if (!sha256 || !pack) return null;
  if (index === undefined || piece === undefined) return { sha256, pack };
  const i = Number(index);
  return Number.isInteger(i) && i >= 0 && piece ? { sha256, pack, piece: { index: i, sha256: piece } } : null;
}

export function planPath(machine: string, plan: string): string[] {
  return [ROOT_FOLDER, machine, plan];
}

const suffix = (encrypted: boolean) => (encrypted ? '.age' : '');

export function packName(id: string, encrypted: boolean): string {
  return `${id}.tar.gz${suffix(encrypted)}`;
}

/** A backup's manifest on Drive: full, or a delta against its parent (format16 section 3). */
export function manifestName(stamp: string, encrypted: boolean, delta = false): string {
  return `${stamp}${delta ? '.delta' : ''}.tsv.gz${suffix(encrypted)}`;
}

/** A backup's pack map on Drive: full, or a delta against its parent. */
export function mapName(stamp: string, encrypted: boolean, delta = false): string {
  return `${stamp}.packs${delta ? '.delta' : ''}.tsv.gz${suffix(encrypted)}`;
}

/** How many deltas a chain holds at most before the next backup is written full again (every 14th). */
export const MAX_DELTA_CHAIN = 13;

export function planFileName(encrypted: boolean): string {
  return `plan.json${suffix(encrypted)}`;
}

export const IDENTITY_FILE = 'identity.age';
export const README_FILE = 'README.txt';

export interface ParsedName {
  stamp: string;
  encrypted: boolean;
  delta: boolean;
}

/** Reads the stamp out of a manifest's name on Drive (full or delta), and whether it is encrypted; null for other files. */
export function parseManifestName(name: string): ParsedName | null {
  return parseName(/^(\d{4}-\d{2}-\d{2}_\d{6})(\.delta)?\.tsv\.gz(\.age)?$/, name);
}

/** The same for a pack map's name. */
export function parseMapName(name: string): ParsedName | null {
  return parseName(/^(\d{4}-\d{2}-\d{2}_\d{6})\.packs(\.delta)?\.tsv\.gz(\.age)?$/, name);
}

function parseName(re: RegExp, name: string): ParsedName | null {
  const m = re.exec(name);
  return m ? { stamp: m[1]!, delta: m[2] !== undefined, encrypted: m[3] !== undefined } : null;
}

/** appProperties that mark Cairn's files, so a lost create is found rather than made twice. */
export const props = {
  pack: (id: string) => ({ cairnPack: id }),
  manifest: (stamp: string) => ({ cairnManifest: stamp }),
  map: (stamp: string) => ({ cairnPackMap: stamp }),
};
