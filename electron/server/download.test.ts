import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadUrl } from '../../shared/httpClient';
import { makeRig, type Rig } from '../../test/helpers/engine';
import { tempDir } from '../../test/helpers/tmp';
import { CairnService } from '../engine/app/service/service';
import { FileSecretStore } from '../engine/secrets/store';
import { contentDisposition } from './download';
import { startServer, type RunningServer } from './server';

const BYTES = randomBytes(300_000);
let rig: Rig;
let service: CairnService;
let server: RunningServer;
let base: string;
let stamp: string;

beforeAll(async () => {
  rig = makeRig();
  fs.writeFileSync(path.join(rig.src, 'résumé 1.bin'), BYTES);
  // A name whose bytes are not UTF-8 ("bad\xff.txt"), as Linux allows.
  fs.writeFileSync(Buffer.from(`${rig.src}/bad\xff.txt`, 'latin1'), 'raw name\n');
  fs.symlinkSync(tempDir('cairn-outside-'), path.join(rig.src, 'out'));
  stamp = (await rig.backup()).backup.stamp;
  service = new CairnService({ db: rig.db, actor: 'test', secrets: new FileSecretStore(rig.dataDir) });
  server = await startServer({ service, host: '127.0.0.1', port: 0, rendererDir: tempDir() });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  rig.db.close();
});

const url = (p: string, token = server.token) => downloadUrl(base, token, { plan: 'docs', stamp, path: p });

describe('GET /api/download', () => {
  it('sends the file of the backup byte for byte, as an attachment named after it', async () => {
    const res = await fetch(url('src/résumé 1.bin'));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(BYTES)).toBe(true);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ 1.bin"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.bin`,
    );
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const raw = await fetch(url('src/bad\udcff.txt'));
    expect([raw.status, await raw.text()]).toEqual([200, 'raw name\n']);
  });

  it('asks for the token, and refuses what is absent or outside the backup with a sentence', async () => {
    const noToken = await fetch(url('src/résumé 1.bin').replace(/&token=.*$/, ''));
    expect(noToken.status).toBe(401);
    const wrong = await fetch(url('src/résumé 1.bin', 'wrong'));
    expect(wrong.status).toBe(401);
    const absent = await fetch(url('src/nothing.bin'));
    expect(absent.status).toBe(404);
    expect(((await absent.json()) as { error: { message: string } }).error.message).toMatch(
      /holds no file src\/nothing\.bin\.$/,
    );
    for (const p of ['src/../../../etc/passwd', 'src/out/x']) {
      const r = await fetch(url(p));
      expect(r.status, p).toBe(400);
    }
    const post = await fetch(url('src/résumé 1.bin'), { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('keeps quotes and non-ASCII out of the plain filename', () => {
    expect(contentDisposition('a"b\\c(1)\u00e9.txt')).toBe(
      `attachment; filename="a_b_c(1)_.txt"; filename*=UTF-8''a%22b%5Cc%281%29%C3%A9.txt`,
    );
  });
});
