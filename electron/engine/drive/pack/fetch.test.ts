import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { hashMembers } from './fetch';

const GiB = 1024 * 1024 * 1024;

describe('hashMembers', () => {
  it('hashes a member over 2 GiB as it streams (no whole-file read)', async () => {
    const dir = tempDir('cairn-members-');
    const size = 2 * GiB + 4097;
    const mark = Buffer.from('not all zeros');
    // The content, then a plain tar holding it: both sparse, so the test costs no disk.
    const content = path.join(dir, 'content');
    fs.writeFileSync(content, mark);
    fs.truncateSync(content, size);
    const h = crypto.createHash('sha256');
    await pipeline(fs.createReadStream(content), h);
    const sha = h.digest('hex');
    const header = new tar.Header({ path: sha, type: 'File', size, mode: 0o600, mtime: new Date(0) });
    const block = Buffer.alloc(512);
    header.encode(block);
    const pack = path.join(dir, 'pack.tar');
    fs.writeFileSync(pack, Buffer.concat([block, mark]));
    fs.truncateSync(pack, 512 + Math.ceil(size / 512) * 512 + 1024);

    expect(await hashMembers(pack, false, null)).toEqual(new Map([[sha, sha]]));
  }, 120_000);
});
