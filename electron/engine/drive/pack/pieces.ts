import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsPath } from '../../format/fsName';
import { PIECE_SIZE, type MapLine, type Piece } from './layout';
import type { Packer } from './packer';
import type { PackRow } from './store';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

export interface PiecesOptions {
  /** The file in the backup folder, its SHA-256 and size from the manifest. */
  abs: string;
  sha256: string;
  size: number;
  packer: Packer;
  /** The pack (staged or uploaded) holding a content, or undefined. */
  inPack: (sha256: string) => PackRow | undefined;
  /** Where pieces wait until their pack is written (beside the staged packs). */
  pieceDir: string;
  signal?: AbortSignal;
  /** Called with the bytes of each piece packed. */
  onContent: (bytes: number) => void;
}

/** The pack a content is in or will be in (the packer's current pack), or undefined. */
export function packNameOf(o: Pick<PiecesOptions, 'packer' | 'inPack'>, sha: string): string | undefined {
  return o.inPack(sha)?.name ?? o.packer.nameOf(sha);
}

/** The map lines of a known piece list when every piece is in a pack, else null. */
export function knownPieces(o: Pick<PiecesOptions, 'packer' | 'inPack'>, sha256: string, pieces: Piece[]) {
  if (pieces.length === 0) return null;
  const lines: MapLine[] = [];
  for (const p of pieces) {
    const pack = packNameOf(o, p.sha256);
    if (!pack) return null;
    lines.push({ sha256, pack, piece: { index: p.index, sha256: p.sha256 } });
  }
  return lines;
}

/**
 * Packs a large content as pieces (format16 §1): reads the file PIECE_SIZE bytes at a time (ranged reads,
 * one piece in memory), hashing each piece and the whole file. A piece some pack already holds is not packed
 * again; any other is written to `pieceDir` and handed to the packer. Returns the pieces and their map
 * lines, or null when the file did not match the manifest (its size or SHA-256): the next push tries again.
 */
export async function packPieces(o: PiecesOptions): Promise<{ pieces: Piece[]; lines: MapLine[] } | null> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(fsPath(o.abs), fs.constants.O_RDONLY | O_NOFOLLOW);
  } catch {
    return null;
  }
  const whole = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(PIECE_SIZE);
  const pieces: Piece[] = [];
  const lines: MapLine[] = [];
  try {
    for (let index = 0; index * PIECE_SIZE < o.size; index++) {
      o.signal?.throwIfAborted();
      const want = Math.min(PIECE_SIZE, o.size - index * PIECE_SIZE);
      if ((await readFull(fh, buf, want, index * PIECE_SIZE)) !== want) return null;
      const data = buf.subarray(0, want);
      whole.update(data);
      const sha256 = crypto.createHash('sha256').update(data).digest('hex');
      pieces.push({ index, sha256, size: want });
      let pack = packNameOf(o, sha256);
      if (!pack) {
        fs.mkdirSync(o.pieceDir, { recursive: true });
        const abs = path.join(o.pieceDir, sha256);
        await fs.promises.writeFile(abs, data);
        pack = await o.packer.add({ sha256, size: want, abs, temp: true });
        o.onContent(want);
      }
      lines.push({ sha256: o.sha256, pack, piece: { index, sha256 } });
    }
    // A longer file than the manifest says is not the backed-up content either.
    if ((await fh.read(buf, 0, 1, o.size)).bytesRead !== 0) return null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).syscall !== 'read') throw e;
    return null; // the backup folder's copy cannot be read
  } finally {
    await fh.close();
  }
  return whole.digest('hex') === o.sha256 ? { pieces, lines } : null;
}

/** Reads up to `length` bytes at `position`, as many reads as it takes; returns the bytes read. */
async function readFull(
  fh: fs.promises.FileHandle,
  buf: Buffer,
  length: number,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
