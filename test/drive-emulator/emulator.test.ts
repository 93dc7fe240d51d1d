import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp';
import { compileQuery } from './query';
import { startEmulator, type DriveEmulator } from './server';

let emu: DriveEmulator;
let auth: Record<string, string>;

beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir(), maxPageSize: 50 });
  const r = await fetch(emu.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: emu.issueRefreshToken(),
      client_id: emu.clientId,
      client_secret: emu.clientSecret,
    }),
  });
  const t = (await r.json()) as { access_token: string; expires_in: number; token_type: string };
  expect(t.token_type).toBe('Bearer');
  expect(t.expires_in).toBe(3600);
  auth = { authorization: `Bearer ${t.access_token}` };
});
afterAll(async () => {
  await emu.stop();
});

async function api(path: string, init: RequestInit = {}) {
  const r = await fetch(emu.url + path, { ...init, headers: { ...auth, ...(init.headers as object) } });
  const text = await r.text();
  return {
    status: r.status,
    headers: r.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe('the Drive API emulator speaks Drive v3', () => {
  it("answers errors in Drive's shape and refuses requests without a valid token", async () => {
    const r = await fetch(`${emu.url}drive/v3/files`);
    expect(r.status).toBe(401);
    const body = (await r.json()) as {
      error: { code: number; errors: { reason: string; domain: string }[] };
    };
    expect(body.error.code).toBe(401);
    expect(body.error.errors[0]).toMatchObject({ reason: 'authError', domain: 'global' });
    const missing = await api('drive/v3/files/nope?fields=id');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { errors: [{ reason: 'notFound' }] } });
  });

  it('returns only id, name, mimeType and kind unless fields asks for more', async () => {
    const made = await api('drive/v3/files', {
      method: 'POST',
      body: JSON.stringify({ name: 'plain', appProperties: { a: '1' } }),
    });
    expect(Object.keys(made.body).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    const full = await api(`drive/v3/files/${made.body.id}?fields=id,size,md5Checksum,appProperties,parents`);
    expect(full.body).toEqual({
      id: made.body.id,
      size: '0',
      md5Checksum: crypto.createHash('md5').digest('hex'),
      appProperties: { a: '1' },
      parents: [emu.store.rootId],
    });
    const about = await api('drive/v3/about');
    expect(about.status).toBe(400);
    const q = await api('drive/v3/about?fields=user(emailAddress),storageQuota(usage)');
    expect(q.body).toEqual({ user: { emailAddress: 'tester@example.com' }, storageQuota: { usage: '0' } });
  });

  it('evaluates the q subset Cairn uses', () => {
    const f = {
      name: "it's",
      mimeType: 'text/plain',
      trashed: false,
      parents: ['P'],
      appProperties: { kind: 'pack' },
    };
    const yes = [
      "name = 'it\\'s'",
      "'P' in parents and trashed = false",
      "appProperties has { key='kind' and value='pack' } and mimeType = 'text/plain'",
      "(name = 'x' or name contains 'it') and not trashed = true",
      "mimeType != 'application/vnd.google-apps.folder'",
    ];
    for (const q of yes) expect(compileQuery(q)(f), q).toBe(true);
    expect(compileQuery("appProperties has { key='kind' and value='manifest' }")(f)).toBe(false);
    expect(() => compileQuery("modifiedTime > '2020'")).toThrow(/not supported/);
    expect(() => compileQuery("name = 'open")).toThrow();
  });

  it('pages lists and rejects a page token from another query', async () => {
    const folder = await api('drive/v3/files', {
      method: 'POST',
      body: JSON.stringify({ name: 'pages', mimeType: 'application/vnd.google-apps.folder' }),
    });
    for (let i = 0; i < 7; i++) {
      await api('drive/v3/files', {
        method: 'POST',
        body: JSON.stringify({ name: `p${i}`, parents: [folder.body.id] }),
      });
    }
    const q = encodeURIComponent(`'${folder.body.id as string}' in parents`);
    const first = await api(`drive/v3/files?q=${q}&pageSize=5`);
    expect((first.body.files as unknown[]).length).toBe(5);
    const token = first.body.nextPageToken as string;
    const second = await api(`drive/v3/files?q=${q}&pageSize=5&pageToken=${token}&fields=files(name)`);
    expect(second.body).toEqual({ files: [{ name: 'p5' }, { name: 'p6' }] });
    const wrong = await api(`drive/v3/files?q=${encodeURIComponent("name = 'x'")}&pageToken=${token}`);
    expect(wrong.status).toBe(400);
  });

  it('runs the resumable protocol: session URI, 308 with Range, 256 KiB rule, status query, Range download', async () => {
    const data = crypto.randomBytes(600 * 1024);
    const start = await api('upload/drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-upload-content-length': String(data.length) },
      body: JSON.stringify({ name: 'r.bin' }),
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    const put = (range: string, body: Buffer) =>
      fetch(session, { method: 'PUT', headers: { ...auth, 'content-range': range }, body });
    const status = await put(`bytes */${data.length}`, Buffer.alloc(0));
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBeNull();
    const odd = await put(`bytes 0-99999/${data.length}`, data.subarray(0, 100_000));
    expect(odd.status).toBe(400);
    const one = await put(`bytes 0-262143/${data.length}`, data.subarray(0, 262_144));
    expect(one.status).toBe(308);
    expect(one.headers.get('range')).toBe('bytes=0-262143');
    const gap = await put(`bytes 524288-${data.length - 1}/${data.length}`, data.subarray(524_288));
    expect(gap.status).toBe(400);
    const rest = await put(`bytes 262144-${data.length - 1}/${data.length}`, data.subarray(262_144));
    expect(rest.status).toBe(200);
    const file = (await rest.json()) as { id: string };
    const ranged = await fetch(`${emu.url}drive/v3/files/${file.id}?alt=media`, {
      headers: { ...auth, range: 'bytes=10-19' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${data.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(data.subarray(10, 20))).toBe(true);
    const meta = await api(`drive/v3/files/${file.id}?fields=md5Checksum`);
    expect(meta.body.md5Checksum).toBe(crypto.createHash('md5').update(data).digest('hex'));
  });

  it('counts requests and logs each fault it fires', async () => {
    emu.reset();
    const f = emu.fault({ kind: 'server-error', times: 2, op: 'files.list' });
    expect((await api('drive/v3/files')).status).toBe(500);
    expect((await api('drive/v3/files')).status).toBe(500);
    expect((await api('drive/v3/files')).status).toBe(200);
    expect(f.fired).toBe(2);
    expect(emu.count('files.list')).toBe(3);
    expect(emu.log.filter((e) => e.fault === 'server-error')).toHaveLength(2);
  });
});
