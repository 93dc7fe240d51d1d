import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fsPath } from '../../electron/engine/format/fsName';
import { parseEntry } from '../../electron/engine/format/manifest';
import { tempDir } from './tmp';

/** Pieces as format16 section 1 has them. */
export const PIECE = 8 * 1024 * 1024;

/** One backup to lay out: its stamp, its local manifest file and its backup folder. */
export interface HandBackup {
  stamp: string;
  manifest: string;
  dir: string;
}

export interface HandDrive {
  /** The plan folder, as a user has it after unpacking Drive's zips. */
  planDir: string;
  /** Each pack's name and the bytes its members hold, unpacked. */
  packs: Map<string, number>;
  /** Names of the packs each backup needs. */
  needs: Map<string, Set<string>>;
}

function run(cmd: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const entryLines = (file: string) =>
  zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));

/**
 * Lays out backups as Cairn keeps them on Drive (format16), with the real gzip, tar and age: the first
 * backup's manifest and map FULL, each later one a DELTA against the one before; a content of
 * `pieceFrom` bytes or more as 8 MiB pieces spread over two packs and listed out of order; empty files in
 * no pack. With `recipient`, every file is encrypted with `age -r`.
 */
export function layOutDrive(o: {
  backups: HandBackup[];
  pieceFrom: number;
  recipient?: string;
  identityAge?: Uint8Array;
}): HandDrive {
  const planDir = path.join(tempDir('cairn-hand-drive-'), 'docs');
  const stage = tempDir('cairn-hand-stage-');
  fs.mkdirSync(path.join(planDir, 'manifests'), { recursive: true });
  fs.mkdirSync(path.join(planDir, 'packs'));
  if (o.identityAge) {
    fs.mkdirSync(path.join(planDir, 'keys'));
    fs.writeFileSync(path.join(planDir, 'keys', 'identity.age'), o.identityAge);
  }
  const sfx = o.recipient ? '.age' : '';
  const write = (rel: string, data: Buffer) => {
    const file = path.join(planDir, rel);
    fs.writeFileSync(file, o.recipient ? run('age', ['-r', o.recipient], data) : data);
  };
  const gzip = (text: string) => run('gzip', ['-c'], Buffer.from(text));
  const packed = new Map<string, string>(); // member SHA-256 -> pack name
  const packs = new Map<string, number>();
  const needs = new Map<string, Set<string>>();
  let prev: { stamp: string; lines: string[] } | null = null;
  for (const b of o.backups) {
    const lines = entryLines(b.manifest);
    const members = new Map<string, string[]>(); // pack -> member names
    const put = (pack: string, member: string, bytes: Buffer) => {
      if (packed.has(member)) return packed.get(member)!;
      fs.writeFileSync(path.join(stage, member), bytes);
      members.set(pack, [...(members.get(pack) ?? []), member]);
      packs.set(pack, (packs.get(pack) ?? 0) + bytes.length);
      packed.set(member, pack);
      return pack;
    };
    const before = new Map((prev?.lines ?? []).map((l) => [l.split('\t')[1]!, l]));
    const now = new Set(lines.map((l) => l.split('\t')[1]!));
    const delta = prev ? lines.filter((l) => before.get(l.split('\t')[1]!) !== l) : lines;
    const changed = new Set(delta);
    const map: string[] = [];
    const used = new Set<string>();
    const mapped = new Set<string>();
    for (const l of lines) {
      const { kind, path: p, size, sha256: content } = parseEntry(l);
      if (kind !== 'f' || size === 0) continue;
      const bytes = fs.readFileSync(fsPath(path.join(b.dir, p)));
      const inMap = changed.has(l) && !mapped.has(content!);
      if (bytes.length < o.pieceFrom) {
        const pack = put(`${b.stamp}-small.tar.gz${sfx}`, content!, bytes);
        used.add(pack);
        if (inMap) map.push(`${content}\t${pack}`);
      } else {
        const pieces: string[] = [];
        for (let k = 0; k * PIECE < bytes.length; k++) {
          const piece = bytes.subarray(k * PIECE, (k + 1) * PIECE);
          const pack = put(`${b.stamp}-${k % 2 ? 'odd' : 'even'}.tar.gz${sfx}`, sha(piece), piece);
          used.add(pack);
          pieces.push(`${content}\t${pack}\t${k}\t${sha(piece)}`);
        }
        if (inMap) map.push(...pieces.reverse());
      }
      mapped.add(content!);
    }
    for (const [pack, names] of members) {
      const tgz = run('sh', ['-c', 'tar -cf - -C "$0" "$@" | gzip -c', stage, ...names]);
      write(path.join('packs', pack), tgz);
      for (const n of names) fs.rmSync(path.join(stage, n));
    }
    needs.set(b.stamp, used);
    if (!prev) {
      write(`manifests/${b.stamp}.tsv.gz${sfx}`, fs.readFileSync(b.manifest));
      write(`manifests/${b.stamp}.packs.tsv.gz${sfx}`, gzip(map.map((l) => `${l}\n`).join('')));
    } else {
      const gone = [...before.keys()].filter((p) => !now.has(p)).map((p) => `-\t${p}`);
      const head = `# cairn-delta parent=${prev.stamp}\n`;
      const text = (body: string[]) => head + body.map((l) => `${l}\n`).join('');
      write(`manifests/${b.stamp}.delta.tsv.gz${sfx}`, gzip(text([...delta, ...gone])));
      write(`manifests/${b.stamp}.packs.delta.tsv.gz${sfx}`, gzip(text(map)));
    }
    prev = { stamp: b.stamp, lines };
  }
  return { planDir, packs, needs };
}
