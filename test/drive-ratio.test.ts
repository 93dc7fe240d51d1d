import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cairn } from './helpers/cli';
import { emulatorState, pushByHand, sha256Of, useSpawnedEmulator } from './helpers/cliDrive';
import { tempDir } from './helpers/tmp';

const GB = 1000 * 1000 * 1000;
const emu = useSpawnedEmulator();

/** A sparse file of `size` bytes, all zeros but for a few marks: it gzips at more than 1000:1. */
function mostlyZeros(file: string, size: number): void {
  fs.writeFileSync(file, '');
  fs.truncateSync(file, size);
  const fd = fs.openSync(file, 'r+');
  for (const at of [0, 4096, Math.floor(size / 2) + 7, size - 3])
    fs.writeSync(fd, Buffer.from('mark'), 0, 3, at);
  fs.closeSync(fd);
}

describe('a file that compresses more than 1000:1 (issue #16)', () => {
  it('is pushed, verified clean on Drive, and restored from Drive byte-exact', async () => {
    const root = tempDir('cairn-drive-ratio-');
    const src = path.join(root, 'src');
    const dest = path.join(root, 'dest');
    const o = { dataDir: path.join(root, 'data'), env: emu().env };
    fs.mkdirSync(src);
    const big = path.join(src, 'zeros.img');
    mostlyZeros(big, 1.2 * GB);
    const want = await sha256Of(big);
    expect(cairn(['plan', 'add', 'home', '--source', src, '--dest', dest], o).code).toBe(0);
    pushByHand(o.dataDir, { machine: 'ratio' });
    const backup = cairn(['backup', 'home'], o);
    expect(backup.code, backup.stderr).toBe(0);
    const pushed = cairn(['drive', 'push'], o);
    expect(pushed.code, pushed.stderr).toBe(0);
    const packs = (await emulatorState(emu())).files.filter((f) => f.name.endsWith('.tar.gz'));
    const packBytes = packs.reduce((n, f) => n + (f.size ?? 0), 0);
    expect((1.2 * GB) / packBytes).toBeGreaterThan(1000);

    const verified = cairn(['drive', 'verify'], o);
    expect([verified.code, verified.stderr], verified.stdout).toEqual([0, '']);

    // The backup disk is gone: the restore reads the pack from Drive.
    fs.rmSync(dest, { recursive: true });
    const to = path.join(root, 'back');
    const restored = cairn(['restore', 'latest', '--to', to], o);
    expect(restored.code, restored.stderr + restored.stdout).toBe(0);
    const back = path.join(to, 'src', 'zeros.img');
    expect(fs.statSync(back).size).toBe(1.2 * GB);
    expect(await sha256Of(back)).toBe(want);
    console.log(
      `1.2 GB of zeros went to Drive as ${packBytes} bytes (${((1.2 * GB) / packBytes).toFixed(0)}:1)`,
    );
  }, 240_000);
});
