import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDrive } from '../../electron/engine/drive/index';
import { saveDriveKey } from '../../electron/engine/drive/pack/crypto';
import { pushPlan, type PushOptions } from '../../electron/engine/drive/pack/push';
import type { DriveRemote } from '../../electron/engine/drive/types';
import { DRIVE_REMOTE_ID } from '../../electron/engine/remotes/registry';
import { FileSecretStore, type SecretStore } from '../../electron/engine/secrets/store';
import { emulatorEnv, fakeClock } from '../drive-emulator/harness';
import type { DriveEmulator } from '../drive-emulator/server';
import type { StoredFile } from '../drive-emulator/store';
import { makeRig, type Rig } from './engine';

/**
 * Copies what the Drive emulator stores into a folder laid out as on Drive (what a user gets by
 * downloading the Cairn folder): folder names from the parents chain, file bytes from the blobs.
 */
export function mirrorDrive(files: StoredFile[], emulatorDir: string, out: string): void {
  const byId = new Map(files.map((f) => [f.id, f]));
  const pathOf = (f: StoredFile): string => {
    const parent = f.parents[0] ? byId.get(f.parents[0]) : undefined;
    return parent ? path.join(pathOf(parent), f.name) : f.name;
  };
  for (const f of files) {
    if (f.trashed) continue;
    const p = path.join(out, pathOf(f));
    if (f.mimeType === 'application/vnd.google-apps.folder') fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.copyFileSync(path.join(emulatorDir, 'blobs', f.id), p);
    }
  }
}

/** A corpus: `small` files of 1-12 KiB in nested folders, `large` files of `largeBytes`, a symlink, odd names. */
export function makeCorpus(
  root: string,
  o: { small: number; large?: number; largeBytes?: number; seed?: number } = { small: 100 },
): string[] {
  const files: string[] = [];
  let seed = o.seed ?? 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  for (let i = 0; i < o.small; i++) {
    const rel = `d${i % 7}/e${i % 3}/f${i}.dat`;
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, crypto.randomBytes(1024 + Math.floor(rnd() * 11 * 1024)));
    files.push(rel);
  }
  for (let i = 0; i < (o.large ?? 0); i++) {
    const rel = `big/large-${i}.bin`;
    fs.mkdirSync(path.join(root, 'big'), { recursive: true });
    fs.writeFileSync(path.join(root, rel), crypto.randomBytes(o.largeBytes ?? 3 * 1024 * 1024));
    files.push(rel);
  }
  fs.writeFileSync(path.join(root, 'same-a.txt'), 'duplicate content\n');
  fs.writeFileSync(path.join(root, 'same-b.txt'), 'duplicate content\n');
  fs.writeFileSync(path.join(root, 'empty'), '');
  fs.writeFileSync(path.join(root, 'tab\tand\\back slash.txt'), 'odd name\n');
  fs.writeFileSync(path.join(root, 'new\nline'), 'newline in the name\n');
  fs.writeFileSync(path.join(root, 'ro.txt'), 'read only\n');
  fs.chmodSync(path.join(root, 'ro.txt'), 0o444);
  fs.symlinkSync('d0/e0/f0.dat', path.join(root, 'link'));
  return files;
}

/** What every push of the rig's plan to `remote` (Drive) says: the plan, its catalog, the machine, the rig's clock. */
export function pushBase(rig: Rig, remote: DriveRemote, secrets: SecretStore, machine: string) {
  return {
    db: rig.db,
    plan: rig.plan,
    remote,
    remoteId: DRIVE_REMOTE_ID,
    secrets,
    machine,
    now: () => rig.clock.now,
    actor: 'test',
  };
}

/**
 * A rig linked to the Drive emulator: its secrets (holding the Drive key when `password` is given), a
 * remote on a fake clock, and `push()`, which pushes its plan in packs of `packTargetBytes`.
 */
export async function driveRig(
  emu: DriveEmulator,
  o: { machine: string; packTargetBytes: number; password?: string | null },
) {
  const rig = makeRig();
  const secrets = new FileSecretStore(rig.dataDir);
  if (o.password) await saveDriveKey(secrets, o.password);
  const clock = fakeClock();
  const { remote } = await openDrive({ secrets, env: emulatorEnv(emu, emu.issueRefreshToken()), clock });
  const base = pushBase(rig, remote, secrets, o.machine);
  const push = (extra: Partial<PushOptions> = {}) =>
    pushPlan({ ...base, clock, packTargetBytes: o.packTargetBytes, ...extra });
  return { rig, secrets, clock, remote, base, push };
}
