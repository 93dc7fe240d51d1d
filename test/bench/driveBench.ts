// Bytes sent to Google Drive (the emulator, in this process, counts every upload body byte): a first push,
// a push after a 1 % change, and a push after 1 MiB changed in the middle of one large file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openCatalog } from '../../electron/engine/catalog/db';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../../electron/engine/drive/pack/settings';
import { emulatorEnv } from '../drive-emulator/harness';
import { startEmulator, type DriveEmulator } from '../drive-emulator/server';
import { cairnCmd, setup, timed, tmpPath, type BenchContext } from './context';
import type { Cmd } from './measure';
import { addTarget, row, type Row } from './results';

const KIB = 1024;
const MIB = 1024 * KIB;

/** A plan pushed by hand (no push after each backup) against the emulator. */
async function drivePlan(ctx: BenchContext, emu: DriveEmulator, name: string, src: string) {
  const dataDir = tmpPath(ctx, `data-drive-${name}`);
  const env = emulatorEnv(emu, emu.issueRefreshToken());
  const cmd = (...args: string[]): Cmd => {
    const c = cairnCmd(ctx, dataDir, ...args);
    return { ...c, env: { ...c.env, ...env } };
  };
  await setup(
    cmd('plan', 'add', name, '--source', src, '--dest', tmpPath(ctx, 'dest-drive'), '--no-default-excludes'),
  );
  const db = openCatalog(dataDir);
  setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, false);
  setDriveSetting(db, DRIVE_SETTING_KEYS.machine, 'bench');
  db.close();
  /** Backs up (untimed), then times a push and counts the bytes the emulator received. */
  return async (operation: string, note: string): Promise<Row & { uploaded: number }> => {
    await setup(cmd('backup', name));
    const before = emu.uploadedBytes();
    const s = await timed(cmd('drive', 'push'));
    const uploaded = emu.uploadedBytes() - before;
    ctx.log(`drive: ${operation}: ${uploaded.toLocaleString('en-US')} bytes uploaded`);
    return {
      ...row('drive', operation, 'cairn drive push', [s], { bytes: uploaded, files: null }, note),
      uploaded,
    };
  };
}

function writeRandom(file: string, size: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    for (let off = 0; off < size; off += 4 * MIB)
      fs.writeSync(fd, crypto.randomBytes(Math.min(4 * MIB, size - off)));
  } finally {
    fs.closeSync(fd);
  }
}

export async function driveBench(ctx: BenchContext): Promise<void> {
  const { args } = ctx;
  const emu = await startEmulator({ dir: tmpPath(ctx, 'drive-emulator') });
  try {
    // Small files: a first push, then 1 % of them rewritten with new random content of the same size.
    const src = tmpPath(ctx, 'drive-src');
    const files: string[] = [];
    for (let i = 0; i < args.driveFiles; i++) {
      const f = path.join(src, `d${i % 100}`, `e${i % 7}`, `f${i}.bin`);
      writeRandom(f, Math.floor(Math.random() * args.maxKib * KIB));
      files.push(f);
    }
    const push = await drivePlan(ctx, emu, 'drive-small', src);
    const first = await push('first push', `${args.driveFiles.toLocaleString('en-US')} small files`);
    let changed = 0;
    const step = Math.max(1, Math.round(100 / args.changePct));
    for (let i = 0; i < files.length; i += step) {
      const size = fs.statSync(files[i]!).size;
      writeRandom(files[i]!, size);
      changed += size;
    }
    const small = await push(`push after ${args.changePct} % changed`, '');
    small.note = `${changed.toLocaleString('en-US')} bytes changed; uploaded / (changed + 16 KiB) = ${(small.uploaded / (changed + 16 * KIB)).toFixed(2)}`;
    addTarget(small, {
      text: '< 1.2x changed bytes + 16 KiB (#16)',
      met: small.uploaded < 1.2 * changed + 16 * KIB,
    });
    ctx.rows.push(first, small);

    // One large file: 1 MiB changed in its middle.
    const bigSrc = tmpPath(ctx, 'drive-big');
    const big = path.join(bigSrc, 'big.bin');
    const bigBytes = args.driveBigMib * MIB;
    writeRandom(big, bigBytes);
    const pushBig = await drivePlan(ctx, emu, 'drive-big', bigSrc);
    const bigFirst = await pushBig(`first push, one ${args.driveBigMib} MiB file`, '');
    const fd = fs.openSync(big, 'r+');
    fs.writeSync(fd, crypto.randomBytes(MIB), 0, MIB, Math.floor(bigBytes / 2));
    fs.closeSync(fd);
    const bigChange = await pushBig(
      `push after 1 MiB changed in the ${args.driveBigMib} MiB file`,
      'the 8 MiB pieces the change touches',
    );
    addTarget(bigChange, { text: '< 20 MiB (#16)', met: bigChange.uploaded < 20 * MIB });
    ctx.rows.push(bigFirst, bigChange);
    ctx.notes.push(
      'drive: bytes are the upload bodies the Drive emulator received (packs, manifests, maps, index); the MB/s column is over those bytes.',
    );
  } finally {
    await emu.stop();
  }
}
