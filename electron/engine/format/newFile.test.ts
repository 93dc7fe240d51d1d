import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileHash } from './newFile';

const expected = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('FileHash', () => {
  it('gives the same digest for a file in one read, in several, and for no bytes', () => {
    const data = Buffer.from('the quick brown fox');
    const one = new FileHash();
    one.update(data, true);
    expect(one.digest()).toBe(expected(data));
    const parts = new FileHash();
    parts.update(data.subarray(0, 5), false);
    parts.update(data.subarray(5), false);
    expect(parts.digest()).toBe(expected(data));
    expect(new FileHash().digest()).toBe(expected(Buffer.alloc(0)));
  });

  it('refuses more data after a chunk that was the whole file', () => {
    const h = new FileHash();
    h.update(Buffer.from('all'), true);
    expect(() => h.update(Buffer.from('more'), false)).toThrow(/whole file/);
  });
});
