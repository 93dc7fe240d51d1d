import { createHash } from 'node:crypto';
import fs from 'node:fs';

const B = (s: string | Buffer | number[]) =>
  Buffer.isBuffer(s) ? s : Array.isArray(s) ? Buffer.from(s) : Buffer.from(s, 'utf8');
const join = (...parts: (string | Buffer)[]) =>
  Buffer.concat(parts.flatMap((p, i) => (i ? [B('/'), B(p)] : [B(p)])));

/**
 * A tree of names any Linux file system allows and UTF-8 text does not always: bytes that are not UTF-8,
 * NFC/NFD pairs side by side, newline, tab, carriage return, backslash, 255-byte names, 100 folders deep,
 * a symlink whose target is not UTF-8. Written with Buffer paths; returns how many names it made.
 */
export function writeOddNames(root: string, count = 500): number {
  let made = 0;
  const file = (p: Buffer, content: string) => {
    fs.writeFileSync(p, `${content}\n`);
    made++;
  };
  const dir = (p: Buffer) => {
    fs.mkdirSync(p);
    made++;
    return p;
  };
  const r = B(root);
  const raw = dir(join(r, B([0x72, 0x61, 0x77, 0xff]))); // "raw\xff": a folder that is not UTF-8
  const pairs = dir(join(r, 'pairs'));
  const odd = dir(join(r, 'odd'));
  const long = dir(join(r, 'long'));
  let deep: Buffer = join(r, 'deep');
  fs.mkdirSync(deep);
  made++;
  for (let i = 1; i < 100; i++) deep = dir(join(deep, i % 10 === 0 ? B([0x64, 0x80 + i]) : `l${i}`));
  file(join(deep, B([0xe9, 0x74, 0xe9])), 'latin-1 at the bottom');
  fs.symlinkSync(B([0x74, 0xe0, 0x72, 0x67, 0x65, 0x74]), join(r, 'link-to-raw'));
  fs.symlinkSync(join(B('raw'), B([0xff]), B('x0')), join(raw, B([0x6c, 0xfe])));
  made += 2;
  const latin = ['café', 'naïve', 'Straße', 'déjà vu', 'Ærø', 'señor', 'façade', 'über'];
  for (let i = 0; made < count; i++) {
    switch (i % 6) {
      case 0: // a byte that never starts UTF-8, a truncated sequence, an encoded surrogate, latin-1 text
        file(join(raw, B([0x78, ...Buffer.from(String(i)), 0x80 + (i % 128)])), `raw ${i}`);
        break;
      case 1:
        file(join(raw, Buffer.concat([B(`t${i}`), B([0xe2, 0x82]), B([0xed, 0xa0, 0x80])])), `trunc ${i}`);
        break;
      case 2: {
        const w = latin[i % latin.length]! + i;
        file(join(pairs, w.normalize('NFC')), `nfc ${i}`);
        if (w.normalize('NFD') !== w.normalize('NFC')) file(join(pairs, w.normalize('NFD')), `nfd ${i}`);
        file(join(raw, B(Buffer.from(w, 'latin1'))), `latin1 ${i}`);
        break;
      }
      case 3:
        file(
          join(odd, [`new\nline ${i}`, `tab\there ${i}`, `back\\slash ${i}`, `cr\r${i}`][i % 4]!),
          `odd ${i}`,
        );
        break;
      case 4: {
        const stem = Buffer.concat([B(`n${i}-`), B([0xff, 0xfe]), B('é'.repeat(20))]);
        file(join(long, Buffer.concat([stem, Buffer.alloc(255 - stem.length, 0x61)])), `long ${i}`);
        break;
      }
      default:
        file(join(odd, `\\x${(i % 256).toString(16).padStart(2, '0')} looks escaped ${i}`), `literal ${i}`);
    }
  }
  return made;
}

export interface ByteEntry {
  kind: 'dir' | 'file' | 'link' | 'other';
  sha?: string;
  target?: string;
}

/** Every entry under root by its relative path's bytes (hex), read with Buffer names. */
export function readByteTree(root: string | Buffer): Map<string, ByteEntry> {
  const out = new Map<string, ByteEntry>();
  const walk = (abs: Buffer, rel: Buffer) => {
    for (const name of fs.readdirSync(abs, { encoding: 'buffer' })) {
      const a = join(abs, name);
      const r = rel.length ? join(rel, name) : name;
      const st = fs.lstatSync(a);
      const key = r.toString('hex');
      if (st.isDirectory()) {
        out.set(key, { kind: 'dir' });
        walk(a, r);
      } else if (st.isSymbolicLink()) {
        out.set(key, { kind: 'link', target: fs.readlinkSync(a, { encoding: 'buffer' }).toString('hex') });
      } else if (st.isFile()) {
        out.set(key, { kind: 'file', sha: createHash('sha256').update(fs.readFileSync(a)).digest('hex') });
      } else out.set(key, { kind: 'other' });
    }
  };
  walk(B(root), Buffer.alloc(0));
  return out;
}

/** The differences between two trees read by bytes, with each path shown as hex. */
export function diffByteTrees(a: string | Buffer, b: string | Buffer): string[] {
  const ta = readByteTree(a);
  const tb = readByteTree(b);
  const diffs: string[] = [];
  for (const [k, v] of ta) {
    const w = tb.get(k);
    if (!w) diffs.push(`missing ${k}`);
    else if (JSON.stringify(v) !== JSON.stringify(w)) diffs.push(`differs ${k}`);
  }
  for (const k of tb.keys()) if (!ta.has(k)) diffs.push(`extra ${k}`);
  return diffs;
}
