import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/helpers/tmp';
import { decodeName, displayName, encodeName, fsPath, hasRawBytes, readLink, readNames } from './fsName';
import { escapeField, unescapeField } from './manifest';

const bytes = (...b: number[]) => Buffer.from(b);

describe('names as bytes (fsName)', () => {
  it('decodes any bytes to a string and back to the same bytes', () => {
    const cases = [
      bytes(0x61, 0xff, 0x62), // a byte that never starts UTF-8
      Buffer.from('héllo 😀 naïve', 'utf8'), // valid UTF-8 stays as it is
      bytes(0xed, 0xa0, 0x80), // an encoded surrogate (CESU-8) is not UTF-8
      bytes(0xf0, 0x9f, 0x98), // a truncated 4-byte sequence
      bytes(0xc0, 0xaf), // an overlong slash
      bytes(0xf4, 0x90, 0x80, 0x80), // above U+10FFFF
      Buffer.from('\uFFFD is a real character', 'utf8'),
    ];
    for (const b of cases) expect(encodeName(decodeName(b)).equals(b), b.toString('hex')).toBe(true);
    expect(decodeName(bytes(0x61, 0xff, 0x62))).toBe('a\udcffb');
    expect(decodeName(Buffer.from('é😀'))).toBe('é😀');
    expect(hasRawBytes('a\udcffb')).toBe(true);
    // The low half of a real pair (U+10080 is D800 DC80) is no raw byte.
    expect(hasRawBytes('\ud800\udc80')).toBe(false);
    expect(fsPath('plain/é')).toBe('plain/é');
    expect(fsPath('x/\udce9t\udce9')).toEqual(bytes(0x78, 0x2f, 0xe9, 0x74, 0xe9));
  });

  it('shows bytes that are not UTF-8 and control characters escaped, the rest as it is', () => {
    expect(displayName('raw\udcff')).toBe('raw\\xff');
    expect(displayName('tab\there\nnew\r\u0001')).toBe('tab\\there\\nnew\\r\\x01');
    expect(displayName('back\\slash é 😀')).toBe('back\\slash é 😀');
  });

  it('the manifest escapes such bytes as \\xHH, losslessly, and reads what older Cairn wrote', () => {
    const names = ['a\udcffb', 'tab\tnew\nline\\x41', 'lit \\xff', '\ud800\udc80', 'é'];
    for (const n of names) expect(unescapeField(escapeField(n))).toBe(n);
    expect(escapeField('a\udcffb\udc80')).toBe('a\\xffb\\x80');
    expect(escapeField('lit \\xff')).toBe('lit \\\\xff');
    expect(escapeField('\ud800\udc80')).toBe('\ud800\udc80');
    // An older manifest's escapes mean what they meant.
    expect(unescapeField('back\\\\slash\\tand\\n')).toBe('back\\slash\tand\n');
  });

  it('lists a folder byte-exact, reading bytes only where a name did not decode', () => {
    const dir = tempDir();
    const odd = Buffer.concat([Buffer.from(`${dir}/`), bytes(0x72, 0xff)]);
    fs.writeFileSync(odd, 'x');
    fs.writeFileSync(path.join(dir, 'plain'), 'y');
    fs.symlinkSync(bytes(0x74, 0xe0), Buffer.concat([Buffer.from(`${dir}/`), bytes(0x6c, 0xfe)]));
    const names = readNames(dir).sort();
    expect(names).toEqual(['l\udcfe', 'plain', 'r\udcff']);
    expect(fs.readFileSync(fsPath(`${dir}/${names[2]}`), 'utf8')).toBe('x');
    expect(readLink(`${dir}/l\udcfe`)).toBe('t\udce0');
  });
});
