import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn, cairnJson } from './helpers/cli';
import { emulatorState, pushByHand, sha256Of, useSpawnedEmulator } from './helpers/cliDrive';
import { tempDir } from './helpers/tmp';

const MiB = 1024 * 1024;
const MB = 1000 * 1000;
const emu = useSpawnedEmulator();

/** Writes `length` random bytes at `at` of `file` (made if missing), 4 MiB at a time. */
function writeRandom(file: string, at: number, length: number): void {
  const fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w');
  const buf = Buffer.allocUnsafe(4 * MiB);
  try {
    for (let done = 0; done < length;) {
      const n = Math.min(buf.length, length - done);
      crypto.randomFillSync(buf, 0, n);
      fs.writeSync(fd, buf, 0, n, at + done);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** A plan "home" backed up from `src`, with the Drive emulator as its Drive; `run` runs the real CLI. */
function setup() {
  const root = tempDir('cairn-drive-pieces-');
  const src = path.join(root, 'src');
  const dest = path.join(root, 'dest');
  const o = { dataDir: path.join(root, 'data'), env: emu().env };
  fs.mkdirSync(src);
  const run = (args: string[]) => {
    const r = cairn(args, o);
    expect(r.code, `cairn ${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
    return r;
  };
  run(['plan', 'add', 'home', '--source', src, '--dest', dest]);
  pushByHand(o.dataDir, { machine: 'pieces' });
  /** Pushes and returns the bytes the emulator received (not what Cairn says it sent). */
  const push = async () => {
    const before = (await emulatorState(emu())).uploadedBytes;
    run(['drive', 'push']);
    return (await emulatorState(emu())).uploadedBytes - before;
  };
  /** Restores `backup` from Drive into a fresh folder and returns where `src` landed. */
  const restore = (backup: string, name: string) => {
    const to = path.join(root, name);
    run(['restore', backup, '--to', to]);
    return path.join(to, 'src');
  };
  const stamps = () => cairnJson<{ stamp: string }[]>(['list'], o).value.map((b) => b.stamp);
  return { root, src, dest, o, run, push, restore, stamps };
}

describe('large files as pieces on Drive (issue #16)', () => {
  it('a 200 MB random file and a 3 GB mostly-zero file push as 8 MiB pieces, verify clean, and restore byte-exact from Drive alone, also after an import', async () => {
    const k = setup();
    const random = path.join(k.src, 'random.bin');
    writeRandom(random, 0, 200 * MB);
    const sparse = path.join(k.src, 'disk.img');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, 3000 * MB);
    for (const at of [0, 1234 * MB + 17, 3000 * MB - MiB]) writeRandom(sparse, at, MiB);
    const want = { random: await sha256Of(random), sparse: await sha256Of(sparse) };
    k.run(['backup', 'home']);
    const sent = await k.push();
    // Pieces, not one pack per file: no pack holds much more than the 32 MiB pack target.
    const packs = (await emulatorState(emu())).files.filter((f) => /\.tar\.gz$/.test(f.name));
    expect(Math.max(...packs.map((f) => f.size ?? 0))).toBeLessThan(40 * MiB);
    // The zero pieces of the 3 GB file are one piece on Drive.
    expect(sent).toBeLessThan(200 * MB + 8 * MiB);

    const verified = k.run(['drive', 'verify', '--sample', '100']);
    expect(verified.stderr).toBe('');

    // The backup disk is gone: everything comes from Drive.
    fs.rmSync(k.dest, { recursive: true });
    const back = k.restore('latest', 'back');
    expect(fs.statSync(path.join(back, 'disk.img')).size).toBe(3000 * MB);
    expect(await sha256Of(path.join(back, 'disk.img'))).toBe(want.sparse);
    expect(await sha256Of(path.join(back, 'random.bin'))).toBe(want.random);
    fs.rmSync(path.dirname(back), { recursive: true });

    // The data folder is gone too: import from Drive alone rebuilds the piece lists from the pack maps.
    fs.rmSync(k.o.dataDir, { recursive: true });
    k.run(['drive', 'import']);
    expect(k.run(['drive', 'verify']).stderr).toBe('');
    const to = path.join(k.root, 'imported');
    k.run(['restore', 'latest', '--path', 'src/random.bin', '--to', to]);
    expect(await sha256Of(path.join(to, 'src', 'random.bin'))).toBe(want.random);
    console.log(`200 MB random + 3 GB mostly zeros: ${packs.length} packs, ${sent} bytes went to Drive`);
  }, 600_000);

  it('a file changed in place or appended to uploads only the changed pieces, and every version restores from Drive', async () => {
    const k = setup();
    const big = path.join(k.src, 'big.bin');
    const log = path.join(k.src, 'log.bin');
    writeRandom(big, 0, 200 * MB);
    writeRandom(log, 0, 100 * MB);
    const first = { big: await sha256Of(big), log: await sha256Of(log) };
    k.run(['backup', 'home']);
    expect(await k.push()).toBeGreaterThan(300 * MB);

    // 1 MiB changed in the middle of the 200 MB file.
    writeRandom(big, 100 * MB, MiB);
    await new Promise((r) => setTimeout(r, 1100)); // one stamp per second
    k.run(['backup', 'home']);
    const changed = await k.push();
    expect(changed).toBeLessThan(20 * MiB);

    // 3 MiB appended to the 100 MB file.
    writeRandom(log, 100 * MB, 3 * MiB);
    await new Promise((r) => setTimeout(r, 1100));
    k.run(['backup', 'home']);
    const appended = await k.push();
    expect(appended).toBeLessThan(12 * MiB);
    const last = { big: await sha256Of(big), log: await sha256Of(log) };

    expect(k.run(['drive', 'verify', '--sample', '100']).stderr).toBe('');
    fs.rmSync(k.dest, { recursive: true });
    const [newest, , oldest] = k.stamps();
    const now = k.restore(newest!, 'newest');
    expect([await sha256Of(path.join(now, 'big.bin')), await sha256Of(path.join(now, 'log.bin'))]).toEqual([
      last.big,
      last.log,
    ]);
    const then = k.restore(oldest!, 'oldest');
    expect([await sha256Of(path.join(then, 'big.bin')), await sha256Of(path.join(then, 'log.bin'))]).toEqual([
      first.big,
      first.log,
    ]);
    console.log(
      `pieces: 1 MiB changed in 200 MB sent ${changed} bytes; 3 MiB appended to 100 MB sent ${appended} bytes`,
    );
  }, 600_000);
});
