// Odd input must get a plain refusal, never a hang (issue #15 item 10).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cairn } from './helpers/cli';
import { planKit } from './helpers/restoreKit';
import { tempDir } from './helpers/tmp';
import { writeTree } from './helpers/tree';
import { call, request, serve, type Served } from './serve-client';

const quick = { timeoutMs: 20_000 };

function expectOneSentence(r: { code: number; stdout: string; stderr: string }, what: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(what);
  expect(r.stdout).toBe('');
}

describe('folders on pseudo file systems', () => {
  it('refuses a backup folder or a source under /proc with one sentence, at once', () => {
    const root = tempDir();
    const o = { dataDir: path.join(root, 'data'), ...quick };
    writeTree(path.join(root, 'src'), { 'a.txt': 'a' });
    const dest = cairn(['plan', 'add', 'p', '--source', path.join(root, 'src'), '--dest', '/proc/x/b'], o);
    expectOneSentence(dest, /The backup folder \/proc\/x\/b is on proc, a kernel file system/);
    const src = cairn(['plan', 'add', 'p', '--source', '/proc/self', '--dest', path.join(root, 'd')], o);
    expectOneSentence(src, /The source \/proc\/self is on proc/);
    const sys = cairn(['plan', 'add', 'p', '--source', '/sys/kernel', '--dest', path.join(root, 'd')], o);
    expectOneSentence(sys, /The source \/sys\/kernel is on sysfs/);
  });

  it('refuses to restore into /proc with one sentence, at once', async () => {
    const k = planKit();
    writeTree(k.source, { 'a.txt': 'a' });
    const b = await k.backup();
    const r = cairn(['restore', `home/${b.stamp}`, '--to', '/proc/x'], { dataDir: k.dataDir, ...quick });
    expectOneSentence(r, /The restore folder \/proc\/x is on proc/);
  });
});

describe('cairn serve on odd input', () => {
  let root: string;
  let s: Served;

  beforeAll(async () => {
    root = tempDir();
    s = await serve(path.join(root, 'data'));
  });

  afterAll(async () => {
    s.proc.kill('SIGTERM');
    await s.exited;
  });

  it('takes only absolute paths from the UI (400 with a clear message)', async () => {
    writeTree(path.join(root, 'src'), { 'a.txt': 'a' });
    const rel = await call(s, 'planCreate', {
      name: 'p',
      dest: 'backups',
      sources: [path.join(root, 'src')],
    });
    expect(rel.status).toBe(400);
    expect(JSON.parse(rel.body).error.message).toMatch(/full path of the folder, starting with \//);
    const relSrc = await call(s, 'planCreate', { name: 'p', dest: path.join(root, 'd'), sources: ['src'] });
    expect(relSrc.status).toBe(400);
    const restore = await call(s, 'restore', {
      plan: 'p',
      stamp: 'latest',
      paths: [],
      target: { mode: 'to', dir: 'restored' },
      dryRun: true,
    });
    expect(restore.status).toBe(400);
    expect(JSON.parse(restore.body).error.message).toMatch(/full path/);
    const ok = await call(s, 'planCreate', {
      name: 'p',
      dest: path.join(root, 'd'),
      sources: [path.join(root, 'src')],
    });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true });
  });

  it('answers a body over 1 MiB with 413, not a reset', async () => {
    const big = await request(s.port, {
      method: 'POST',
      path: '/api/status',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: Buffer.alloc(3 << 20, 32),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect((await call(s, 'status', {})).status).toBe(200); // and the server goes on
  });
});

describe('cairn serve --host 127.0.0.2', () => {
  it('prints an address that passes its own Host check', async () => {
    const s = await serve(path.join(tempDir(), 'data'), {}, ['--host', '127.0.0.2']);
    try {
      expect(s.host).toBe('127.0.0.2');
      const r = await request(s.port, {
        host: s.host,
        method: 'POST',
        path: '/api/status',
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(r.status, r.body).toBe(200);
    } finally {
      s.proc.kill('SIGTERM');
      await s.exited;
    }
  });
});
