import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import { planLayout } from '../electron/engine/format/layout';
import { SESSION_LIFETIME_MS } from '../electron/engine/drive/pack/sessions';
import { cairn, cairnSpawn } from './helpers/cli';
import { emulatorState, pushByHand, sha256Of, useSpawnedEmulator } from './helpers/cliDrive';
import { tempDir } from './helpers/tmp';

// Issue #16 item 2: an interrupted upload continues from the last byte Google has.
const MB = 1000 * 1000;
const emu = useSpawnedEmulator();
const state = () => emulatorState(emu());

/** A plan holding one random file of `bytes`, backed up (not pushed): under 64 MiB that file is one pack. */
function setup(bytes: number) {
  const root = tempDir('cairn-drive-sessions-');
  const src = path.join(root, 'src');
  const dest = path.join(root, 'dest');
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(src);
  const big = path.join(src, 'big.bin');
  const fd = fs.openSync(big, 'w');
  for (let n = 0; n < bytes; n += 8 * MB) fs.writeSync(fd, crypto.randomBytes(Math.min(8 * MB, bytes - n)));
  fs.closeSync(fd);
  const o = { dataDir, env: emu().env };
  expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest], o).code).toBe(0);
  pushByHand(dataDir, { machine: 'sessions' });
  const backup = cairn(['backup', 'home'], o);
  expect(backup.code, backup.stderr).toBe(0);
  return { root, src, dest, dataDir, big, o, staging: path.join(dataDir, 'drive-staging', '1') };
}

type Kit = ReturnType<typeof setup>;

/** Starts `cairn drive push` and kills it (-9) once the emulator has received `bytes` more upload bytes. */
async function pushKilledAt(k: Kit, bytes: number): Promise<number> {
  const base = (await state()).uploadedBytes;
  const child = cairnSpawn(['drive', 'push', '--bwlimit', String(48 * 1024)], k.o);
  let got = 0;
  for (let t = 0; t < 2400 && got < bytes && child.exitCode === null; t++) {
    await new Promise((r) => setTimeout(r, 50));
    got = (await state()).uploadedBytes - base;
  }
  child.kill('SIGKILL');
  await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  expect(got, 'the push was killed mid-upload').toBeGreaterThanOrEqual(bytes);
  return (await state()).uploadedBytes - base;
}

/** What the catalog holds about saved sessions. */
function savedSessions(k: Kit): { name: string; uri: string; createdAt: number }[] {
  const db = openCatalog(k.dataDir);
  try {
    return db.prepare('SELECT name, uri, created_at AS createdAt FROM drive_sessions').all() as {
      name: string;
      uri: string;
      createdAt: number;
    }[];
  } finally {
    db.close();
  }
}

/** Emulator log entries from `seq` on. */
async function logSince(seq: number) {
  return (await state()).log.filter((e) => e.seq > seq);
}

async function lastSeq(): Promise<number> {
  return (await state()).log.at(-1)?.seq ?? 0;
}

function pushed(k: Kit): void {
  const r = cairn(['drive', 'push'], k.o);
  expect(r.code, r.stderr).toBe(0);
  // Nothing is left staged or half-sent: no saved session, no staged pack, no session open on Drive.
  expect(savedSessions(k)).toEqual([]);
  expect(fs.readdirSync(k.staging)).toEqual([]);
}

describe('resumable sessions kept across a kill -9 (issue #16 item 2)', () => {
  it('kill -9 at 50 % of a 200 MB file: the next push continues the session, under 1.15x in all, restores byte-exact', async () => {
    const k = setup(200 * MB);
    const want = await sha256Of(k.big);
    const base = (await state()).uploadedBytes;
    const before = await pushKilledAt(k, 100 * MB);
    // Killed inside a pack's upload (the usual case) its session is saved; at a pack's edge there is none.
    const midPack = savedSessions(k).length > 0;
    const seq = await lastSeq();

    const second = cairn(['drive', 'push'], k.o);
    expect(second.code, second.stderr).toBe(0);
    // The file is over the piece threshold: 8 MiB pieces in packs of about 32 MiB.
    const packs = (await state()).files.filter((f) => f.name.endsWith('.tar.gz'));
    expect(packs.length).toBeGreaterThan(1);
    const packBytes = packs.reduce((n, p) => n + p.size!, 0);
    const total = (await state()).uploadedBytes - base;
    console.log(
      `kill -9 at ${((before / packBytes) * 100).toFixed(0)} % of ${packBytes} bytes in ${packs.length} packs: ` +
        `the next push sent ${total - before} bytes; ${total} in all (${(total / packBytes).toFixed(3)}x)`,
    );
    expect(total).toBeLessThan(1.15 * packBytes);
    // It asked Google how much of the interrupted pack it had (308), then sent the rest on that session; or,
    // killed after the pack's last byte went out, found the pack whole and sent none of it again.
    const log = await logSince(seq);
    const asked = log.filter((e) => e.op === 'files.upload.status').map((e) => e.status);
    if (midPack)
      expect(asked.includes(308) || total < 1.01 * packBytes, `status answers ${asked}`).toBe(true);
    expect(savedSessions(k)).toEqual([]);
    expect(fs.readdirSync(k.staging)).toEqual([]);
    expect((await state()).sessions).toBe(0);

    // The backup disk is gone: the restore reads the pack from Drive.
    fs.rmSync(k.dest, { recursive: true });
    const to = path.join(k.root, 'back');
    const restored = cairn(['restore', 'latest', '--to', to], k.o);
    expect(restored.code, restored.stderr + restored.stdout).toBe(0);
    expect(await sha256Of(path.join(to, 'src', 'big.bin'))).toBe(want);
  }, 300_000);

  it('the pack and its session are saved in the data folder before bytes go; a session Google forgot restarts cleanly', async () => {
    const k = setup(48 * MB);
    await pushKilledAt(k, 16 * MB);
    // After the kill: the staged pack is in <data>/drive-staging/<plan id>/, its session in the catalog.
    const [saved] = savedSessions(k);
    expect(saved).toBeDefined();
    expect(fs.readdirSync(k.staging).filter((n) => n.endsWith('.tar.gz'))).toEqual([saved!.name]);

    // Leftovers the push clears: a removed plan's staging folder, and an older Cairn's on the backup disk.
    const gone = path.join(k.dataDir, 'drive-staging', '999');
    const older = path.join(planLayout(k.dest, 'home').meta, 'drive-staging');
    for (const d of [gone, older]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(older, 'f00d.tar.gz'), 'a pack staged by an older Cairn');

    expect(await emu().expireSessions()).toBeGreaterThan(0);
    const seq = await lastSeq();
    pushed(k);
    expect([fs.existsSync(gone), fs.existsSync(older)]).toEqual([false, false]);
    const log = await logSince(seq);
    // The saved URI answered 404; a new session carried the whole pack.
    expect(log.filter((e) => e.op === 'files.upload.status').map((e) => e.status)).toContain(404);
    expect(log.filter((e) => e.op === 'files.create.resumable' && e.status === 200)).toHaveLength(1);
    const verified = cairn(['drive', 'verify'], k.o);
    expect([verified.code, verified.stderr], verified.stdout).toEqual([0, '']);
  }, 180_000);

  it('a session no staged pack needs, or older than its lifetime, is cancelled (DELETE) and forgotten', async () => {
    const k = setup(48 * MB);
    await pushKilledAt(k, 16 * MB);
    const [lost] = savedSessions(k);
    // The staged copy is gone (the data folder was cleaned): its pack is forgotten, its session cancelled.
    fs.rmSync(path.join(k.staging, lost!.name));
    let seq = await lastSeq();
    pushed(k);
    let log = await logSince(seq);
    expect(log.filter((e) => e.method === 'DELETE' && e.op === 'files.upload.cancel')).toMatchObject([
      { status: 499, path: '/upload/drive/v3/files' },
    ]);
    expect((await state()).sessions).toBe(0);

    // A session saved longer ago than SESSION_LIFETIME_MS is not trusted: cancelled, and a new one opened.
    fs.appendFileSync(k.big, 'more');
    expect(cairn(['backup', 'home'], k.o).code).toBe(0);
    await pushKilledAt(k, 16 * MB);
    const db = openCatalog(k.dataDir);
    db.prepare('UPDATE drive_sessions SET created_at = created_at - ?').run(SESSION_LIFETIME_MS + 1);
    db.close();
    seq = await lastSeq();
    pushed(k);
    log = await logSince(seq);
    expect(log.filter((e) => e.op === 'files.upload.cancel').map((e) => e.status)).toEqual([499]);
    expect(log.filter((e) => e.op === 'files.upload.status')).toEqual([]);
    expect(log.filter((e) => e.op === 'files.create.resumable' && e.status === 200)).toHaveLength(1);
    expect((await state()).sessions).toBe(0);
  }, 240_000);
});
