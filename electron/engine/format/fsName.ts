import fs from 'node:fs';

/**
 * File names are bytes. Cairn keeps a name that is not valid UTF-8 in its strings the way Python's
 * surrogateescape does: each byte that does not decode becomes the lone surrogate U+DC00+byte (only 0x80 to
 * 0xFF can fail), which valid text never holds. Such a string goes to the file system as a Buffer of the
 * original bytes (fsPath); every other path stays a plain string, so the common case costs one regex test.
 */

/** A lone low surrogate U+DC80..U+DCFF (the u flag keeps the halves of a real pair from matching). */
const RAW_BYTE = /[\uDC80-\uDCFF]/u;
/** A quick filter (no u flag): also true for some real pairs, which the exact test then clears. */
const MAYBE_RAW = /[\uDC80-\uDCFF]/;

/** True when the string holds bytes that are not valid UTF-8 (as lone surrogates). */
export function hasRawBytes(s: string): boolean {
  return MAYBE_RAW.test(s) && RAW_BYTE.test(s);
}

/** The original bytes of a name or path held in the escaped string form. */
export function encodeName(s: string): Buffer {
  if (!hasRawBytes(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (const m of s.matchAll(/[\uDC80-\uDCFF]/gu)) {
    parts.push(Buffer.from(s.slice(start, m.index), 'utf8'), Buffer.of(m[0].charCodeAt(0) & 0xff));
    start = m.index + 1;
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** The path to hand to fs calls: the string itself, or its original bytes when it holds raw bytes. */
export function fsPath(p: string): string | Buffer {
  return hasRawBytes(p) ? encodeName(p) : p;
}

/** Length of the valid UTF-8 sequence starting at b[i], or 0 when it is not valid (RFC 3629). */
function utf8Length(b: Buffer, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf; // no encoded surrogates
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** A name's bytes as a string: UTF-8, with each byte that does not decode as U+DC00+byte. */
export function decodeName(b: Buffer): string {
  const s = b.toString('utf8');
  if (!s.includes('\uFFFD')) return s;
  let out = '';
  let start = 0;
  let i = 0;
  while (i < b.length) {
    const n = utf8Length(b, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += b.toString('utf8', start, i) + String.fromCharCode(0xdc00 + b[i]!);
    start = ++i;
  }
  return out + b.toString('utf8', start, i);
}

/**
 * A folder's names, byte-exact. Read as strings first (the fast path); only a folder where some name did
 * not decode (U+FFFD) is read again as bytes.
 */
export function readNames(dir: string): string[] {
  const p = fsPath(dir);
  const names = fs.readdirSync(p);
  if (!names.some((n) => n.includes('\uFFFD'))) return names;
  return fs.readdirSync(p, { encoding: 'buffer' }).map(decodeName);
}

/** A folder entry: its name (byte-exact, as readNames) and whether its directory entry says a plain file. */
export interface NameEntry {
  name: string;
  isFile(): boolean;
}

/**
 * A folder's entries sorted by name, each with its type from the directory entry (no lstat): a file system
 * that does not tell types gives false, and the caller lstats as before.
 */
export function readEntries(dir: string): NameEntry[] {
  const p = fsPath(dir);
  let list: NameEntry[] = fs.readdirSync(p, { withFileTypes: true });
  if (list.some((d) => d.name.includes('\uFFFD')))
    list = fs
      .readdirSync(p, { withFileTypes: true, encoding: 'buffer' })
      .map((d) => ({ name: decodeName(d.name), isFile: () => d.isFile() }));
  return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A symlink's target, byte-exact. */
export function readLink(p: string): string {
  return decodeName(fs.readlinkSync(fsPath(p), { encoding: 'buffer' }));
}

/**
 * A path typed on the command line, where raw bytes cannot be passed: \x80 to \xff (as displayName shows
 * them) stand for those bytes. Other text, backslashes included, is taken as it is.
 */
export function parseTyped(s: string): string {
  return s.includes('\\x')
    ? s.replace(/\\x([89a-f][0-9a-f])/gi, (_, h: string) => String.fromCharCode(0xdc00 + parseInt(h, 16)))
    : s;
}

const SHOWN: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * A name or path for people: a byte that is not UTF-8 as \xHH, tab, newline and other control characters
 * escaped, everything else as it is (backslashes included, so the common name reads naturally).
 */
export function displayName(s: string): string {
  // eslint-disable-next-line no-control-regex
  const SPECIAL = /[\u0000-\u001f\u007f]|[\uDC80-\uDCFF]/gu;
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f\uDC80-\uDCFF]/.test(s)) return s;
  return s.replace(
    SPECIAL,
    (c) => SHOWN[c] ?? `\\x${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`,
  );
}
