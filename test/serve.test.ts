import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../shared/contract';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { call, corpus, events, request, serve, type Served } from './serve-client';

describe('cairn serve', () => {
  let root: string;
  let dataDir: string;
  let s: Served;

  beforeAll(async () => {
    root = tempDir();
    dataDir = path.join(root, 'data');
    s = await serve(dataDir);
  });

  afterAll(async () => {
    s.proc.kill('SIGTERM');
    await s.exited;
  });

  it('refuses every call without the token, or with a wrong one (401)', async () => {
    for (const m of methodNames) {
      const r = await request(s.port, {
        method: 'POST',
        path: `/api/${m}`,
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(r.status, m).toBe(401);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect((await call(s, 'status', {}, { Authorization: `Bearer ${s.token}x` })).status).toBe(401);
    expect((await request(s.port, { path: '/api/events' })).status).toBe(401);
    expect((await request(s.port, { path: '/api/events?token=wrong' })).status).toBe(401);
    // The token in the query string opens the event stream only, never a method.
    const q = await request(s.port, {
      method: 'POST',
      path: `/api/status?token=${s.token}`,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(q.status).toBe(401);
  });

  it('refuses a wrong Host (DNS rebinding) and a foreign Origin, even with the token', async () => {
    const host = await call(s, 'status', {}, { Host: `evil.example:${s.port}` });
    expect(host.status).toBe(403);
    expect((await request(s.port, { path: '/', headers: { Host: 'evil.example' } })).status).toBe(403);
    const origin = await call(s, 'status', {}, { Origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    const ok = await call(
      s,
      'status',
      {},
      { Origin: `http://127.0.0.1:${s.port}`, Host: `localhost:${s.port}` },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers bad JSON and schema violations with 400 and a message; no CORS', async () => {
    const bad = await request(s.port, {
      method: 'POST',
      path: '/api/status',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/not valid JSON/);
    const schema = await call(s, 'planCreate', { name: 'bad name!', dest: '', sources: [] });
    expect(schema.status).toBe(400);
    expect(JSON.parse(schema.body)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.parse(schema.body).error.message).toMatch(/name/);
    expect((await call(s, 'noSuchMethod', {})).status).toBe(404);
    const get = await request(s.port, {
      path: '/api/status',
      headers: { Authorization: `Bearer ${s.token}` },
    });
    expect(get.status).toBe(405);
    const preflight = await request(s.port, {
      method: 'OPTIONS',
      path: '/api/status',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    // A domain error is a value with its code, not an HTTP error.
    const missing = await call(s, 'planGet', { plan: 'nope' });
    expect(missing.status).toBe(200);
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('runs a backup over HTTP, streams its progress, and the backup shows in cairn list', async () => {
    const src = corpus(root, 400);
    const dest = path.join(root, 'dest');
    const created = JSON.parse((await call(s, 'planCreate', { name: 'home', dest, sources: [src] })).body);
    expect(created).toMatchObject({ ok: true, value: { name: 'home' } });

    const stream = events(s, (type) => type === 'runFinished');
    await new Promise((r) => setTimeout(r, 200)); // the stream is open before the run starts
    const started = JSON.parse((await call(s, 'runNow', { plan: 'home', note: 'over http' })).body);
    expect(started).toMatchObject({ ok: true, value: { alreadyRunning: false, run: { planName: 'home' } } });
    const got = await stream;
    const progress = got
      .filter((e) => e.type === 'runProgress')
      .map((e) => e.data as { phase: string; files: number });
    expect(progress.some((p) => p.phase === 'running' && p.files > 0)).toBe(true);
    const end = got.at(-1)!.data as { outcome: string; backup: { stamp: string; files: number } };
    expect(end.outcome).toBe('complete');
    expect(end.backup.files).toBe(400);

    const list = cairnJson<{ stamp: string; files: number; note: string }[]>(['list', 'home'], { dataDir });
    expect(list.code).toBe(0);
    expect(list.value).toHaveLength(1);
    expect(list.value[0]).toMatchObject({ stamp: end.backup.stamp, files: 400, note: 'over http' });

    const page = JSON.parse(
      (await call(s, 'folderList', { plan: 'home', stamp: 'latest', path: 'src/d3', limit: 5 })).body,
    );
    expect(page.value.total).toBe(16);
    expect(page.value.entries).toHaveLength(5);
    const st = JSON.parse((await call(s, 'status', {})).body);
    expect(st.value.plans[0]).toMatchObject({ planName: 'home', state: 'healthy' });
    expect(st.value.plans[0].watch.state).toBe('watching');
  });

  it('serves the built UI from the package (dist/renderer) with its security headers', async () => {
    const page = await request(s.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.body).not.toMatch(/user interface is not built/);
    const script = /<script[^>]+src="([^"]+)"/.exec(page.body)?.[1];
    expect(script, page.body).toBeTruthy();
    expect((await request(s.port, { path: script! })).status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
  });
});

describe('cairn serve shutdown', () => {
  it('on SIGTERM cancels a running backup, leaves nothing partial, exits 0; the next backup works', async () => {
    const root = tempDir();
    const dataDir = path.join(root, 'data');
    const src = corpus(root, 3000, 48);
    const dest = path.join(root, 'dest');
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest], { dataDir }).code).toBe(0);
    const s = await serve(dataDir);
    let signalled = false;
    const stream = events(s, () => false, {
      onEvent: (type, data) => {
        const d = data as { phase?: string; files?: number };
        if (!signalled && type === 'runProgress' && d.phase === 'running' && (d.files ?? 0) > 0) {
          signalled = true;
          s.proc.kill('SIGTERM');
        }
      },
    }).catch(() => []);
    await new Promise((r) => setTimeout(r, 200));
    await call(s, 'runNow', { plan: 'home' });
    const code = await s.exited;
    await stream;
    expect(signalled).toBe(true);
    expect(code, s.stderr()).toBe(0);
    expect(s.stderr()).toMatch(/SIGTERM: stopping/);
    expect(fs.readdirSync(path.join(dest, 'home')).filter((n) => n !== '.cairn')).toEqual([]);
    expect(fs.readdirSync(path.join(dest, 'home', '.cairn', 'partial'))).toEqual([]);
    expect(fs.existsSync(path.join(dest, 'home', '.cairn', 'lock'))).toBe(false);
    expect(cairnJson<unknown[]>(['list', 'home'], { dataDir }).value).toEqual([]);
    const again = cairn(['backup', 'home'], { dataDir });
    expect(again.code).toBe(0);
    expect(cairnJson<{ files: number }[]>(['list', 'home'], { dataDir }).value[0]!.files).toBe(3001);
  });

  it('refuses a non-loopback address without --allow-remote', () => {
    const r = cairn(['serve', '--host', '0.0.0.0'], { dataDir: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--allow-remote/);
  });

  it('listens on every address only with --allow-remote, warns, and still checks Host and the token', async () => {
    const s = await serve(path.join(tempDir(), 'data'), {}, ['--host', '0.0.0.0', '--allow-remote']);
    try {
      expect(s.stderr()).toMatch(/WARNING: Cairn listens on 0\.0\.0\.0/);
      expect((await call(s, 'status', {})).status).toBe(200);
      expect((await call(s, 'status', {}, { Host: `evil.example:${s.port}` })).status).toBe(403);
      expect((await call(s, 'status', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
  });
});
