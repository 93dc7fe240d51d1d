// `cairn serve` stops within 5 s of SIGTERM whatever is pending, exit 0, backups intact (issue #15 item 8).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorEnv } from './drive-emulator/harness';
import { startEmulator, type DriveEmulator } from './drive-emulator/server';
import { cairn, cairnJson } from './helpers/cli';
import { tempDir } from './helpers/tmp';
import { call, corpus, events, serve, type Served } from './serve-client';

let emu: DriveEmulator;

beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
}, 60_000);

afterAll(async () => {
  await emu?.stop();
});

/** A data folder with plan "home" and one backup of it, made by the CLI. */
function planWithBackup(files = 50, bigMb = 0): { dataDir: string; src: string; stamp: string } {
  const root = tempDir();
  const dataDir = path.join(root, 'data');
  const src = corpus(root, files, bigMb);
  expect(
    cairn(['plan', 'add', 'home', '--source', src, '--dest', path.join(root, 'dest')], { dataDir }).code,
  ).toBe(0);
  const b = cairnJson<{ stamp: string }>(['backup', 'home'], { dataDir });
  expect(b.code).toBe(0);
  return { dataDir, src, stamp: b.value.stamp };
}

/** Sends SIGTERM and measures how long the process takes to exit. */
async function stop(s: Served): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  s.proc.kill('SIGTERM');
  const code = await Promise.race([
    s.exited,
    new Promise<'alive'>((r) => setTimeout(() => r('alive'), 10_000)),
  ]);
  const ms = performance.now() - t0;
  if (code === 'alive') s.proc.kill('SIGKILL');
  expect(code, `still running 10 s after SIGTERM:\n${s.stderr()}`).not.toBe('alive');
  return { code: code as number | null, ms };
}

/** The manifests a process holds open (Linux). */
function openManifests(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return fs
    .readdirSync(dir)
    .map((fd) => {
      try {
        return fs.readlinkSync(path.join(dir, fd));
      } catch {
        return '';
      }
    })
    .filter((l) => l.endsWith('.tsv.gz'));
}

/** The backups are there and verify. */
function expectIntact(dataDir: string, stamps: string[]): void {
  const listed = cairnJson<{ stamp: string }[]>(['list', 'home'], { dataDir }).value.map((b) => b.stamp);
  for (const s of stamps) expect(listed).toContain(s);
  const v = cairn(['verify', '--all'], { dataDir });
  expect(v.code, v.stderr).toBe(0);
}

describe('cairn serve on SIGTERM', () => {
  it('exits at once when idle', async () => {
    const { dataDir, stamp } = planWithBackup();
    const s = await serve(dataDir);
    const r = await stop(s);
    expect(r.code, s.stderr()).toBe(0);
    expect(r.ms).toBeLessThan(5000);
    expect(s.stderr()).toMatch(/Cairn stopped\./);
    expectIntact(dataDir, [stamp]);
  });

  it('exits within 5 s with a Drive connect waiting for the consent page (the loopback listener)', async () => {
    const { dataDir, stamp } = planWithBackup();
    const s = await serve(dataDir, emulatorEnv(emu));
    const connect = JSON.parse((await call(s, 'driveConnect', {})).body);
    expect(connect).toMatchObject({ ok: true, value: { state: 'needs-consent' } });
    const r = await stop(s);
    expect(r.code, s.stderr()).toBe(0);
    expect(r.ms).toBeLessThan(5000);
    expect(s.stderr()).not.toMatch(/database connection is not open/);
    expectIntact(dataDir, [stamp]);
  });

  it('exits within 5 s after an in-place restore', async () => {
    const { dataDir, src, stamp } = planWithBackup();
    fs.writeFileSync(path.join(src, 'd0', 'file-0.txt'), 'changed\n');
    const s = await serve(dataDir);
    const restored = JSON.parse(
      (
        await call(s, 'restore', {
          plan: 'home',
          stamp,
          paths: [],
          target: { mode: 'in-place' },
          dryRun: false,
        })
      ).body,
    );
    expect(restored, JSON.stringify(restored)).toMatchObject({ ok: true });
    expect(fs.readFileSync(path.join(src, 'd0', 'file-0.txt'), 'utf8')).toMatch(/content of file 0/);
    expect(openManifests(s.proc.pid!)).toEqual([]);
    const r = await stop(s);
    expect(r.code, s.stderr()).toBe(0);
    expect(r.ms).toBeLessThan(5000);
    expectIntact(dataDir, [stamp]);
  });

  it('exits within 5 s during a running backup, which leaves nothing behind', async () => {
    const { dataDir, stamp } = planWithBackup(2000, 64);
    fs.writeFileSync(path.join(path.dirname(dataDir), 'src', 'big2.bin'), Buffer.alloc(64 << 20, 5));
    const s = await serve(dataDir);
    const running = events(
      s,
      (type, d) => type === 'runProgress' && (d as { files?: number }).files! > 0,
    ).catch(() => []);
    await new Promise((r) => setTimeout(r, 200));
    await call(s, 'runNow', { plan: 'home' });
    await running;
    const r = await stop(s);
    expect(r.code, s.stderr()).toBe(0);
    expect(r.ms).toBeLessThan(5000);
    expectIntact(dataDir, [stamp]);
    expect(cairnJson<unknown[]>(['list', 'home'], { dataDir }).value).toHaveLength(1);
  });
});
