import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealIdentity } from '../electron/engine/drive/pack/crypto';
import { PIECE_THRESHOLD } from '../electron/engine/drive/pack/layout';
import { readmeText, scriptFromReadme } from '../electron/engine/drive/pack/readme';
import { RESTORE_SCRIPT } from '../electron/engine/drive/pack/recipe';
import { planLayout } from '../electron/engine/format/layout';
import { startEmulator, type DriveEmulator } from './drive-emulator/server';
import { writeOddNames } from './helpers/byteTree';
import { driveRig, makeCorpus, mirrorDrive } from './helpers/driveKit';
import { makeRig, type Rig } from './helpers/engine';
import { layOutDrive, PIECE } from './helpers/handDrive';
import { diffFromManifest, makeWritable, manifestEntries, recipeTools, runRecipe } from './helpers/recipe';
import { tempDir } from './helpers/tmp';

const DASH = '/usr/bin/dash';
const BASH = '/usr/bin/bash';
const PASSWORD = 'a long enough password';

let emu: DriveEmulator;
let tools: string;
beforeAll(async () => {
  emu = await startEmulator({ dir: tempDir() });
  tools = recipeTools();
});
afterAll(async () => {
  await emu.stop();
});

/** Names a shell could trip on: tab, newlines (one at the end), a byte that is not UTF-8, a literal \\x41, CR, a dash. */
const ODD_NAMES = ['tab\there', 'new\nline\n', 'r\xff.t', '\\x41 literal', 'cr\r', '-dash', ' spaces '].map(
  (n) => Buffer.from(n, 'latin1'),
);

/** Times the date arithmetic must get right: January and February, leap days, before 1970, after 2038. */
const TIMES = [
  '1970-01-01T00:00:00.001Z',
  '1999-12-31T23:59:59.999Z',
  '2000-02-29T12:34:56.789Z',
  '2024-01-01T00:00:00Z',
  '2038-01-19T03:14:08.5Z',
  '2100-03-01T00:00:00Z',
  '1969-07-20T20:17:40Z',
];

const manifestOf = (rig: Rig, stamp: string) => planLayout(rig.dest, 'docs').manifestFile(stamp);

/** Restores `stamp` from planDir with each shell and compares the result with the backup's own manifest. */
function restoreAndCompare(
  rig: Rig,
  planDir: string,
  stamp: string,
  password: string | null,
  shells: string[],
) {
  const runs = [];
  for (const shell of shells) {
    const out = path.join(tempDir(), 'restored');
    const run = runRecipe({ planDir, stamp, out, shell, tools, password });
    expect(run.result.status, `${shell}: ${run.text}`).toBe(0);
    expect(diffFromManifest(out, manifestEntries(manifestOf(rig, stamp))), shell).toEqual([]);
    makeWritable(out);
    runs.push(run);
  }
  return runs;
}

describe('the README.txt recipe on Drive', () => {
  for (const password of [null, PASSWORD]) {
    const kind = password ? 'encrypted' : 'plain';
    it(`restores every pushed backup in dash and bash with the README's tools alone (BSD touch), byte for byte (${kind})`, async () => {
      const machine = `recipe-${kind}`;
      const { rig, push } = await driveRig(emu, {
        machine,
        password,
        packTargetBytes: 256 * 1024,
      });
      makeCorpus(rig.src, { small: 60, large: 1, largeBytes: 512 * 1024 });
      fs.mkdirSync(path.join(rig.src, 'names'));
      writeOddNames(path.join(rig.src, 'names'), 130);
      // A disk image over the piece threshold: Cairn's own push sends it as 8 MiB pieces (the zero ones
      // stored once), and the recipe puts each back at its offset; the second backup changes one piece.
      const img = path.join(rig.src, 'disk.img');
      const at = (offset: number, bytes: Buffer) => {
        const fd = fs.openSync(img, fs.existsSync(img) ? 'r+' : 'w');
        try {
          fs.ftruncateSync(fd, PIECE_THRESHOLD + 3 * 1024 * 1024 + 5);
          fs.writeSync(fd, bytes, 0, bytes.length, offset);
        } finally {
          fs.closeSync(fd);
        }
      };
      at(20 * 1024 * 1024, crypto.randomBytes(64 * 1024));
      const first = (await rig.backup()).backup.stamp;
      await push();
      fs.writeFileSync(path.join(rig.src, 'd1/e1/f1.dat'), 'changed\n');
      fs.rmSync(path.join(rig.src, 'd2'), { recursive: true });
      fs.mkdirSync(path.join(rig.src, 'locked'));
      fs.writeFileSync(path.join(rig.src, 'locked/inside.txt'), 'in a read-only folder\n');
      fs.chmodSync(path.join(rig.src, 'locked'), 0o555);
      at(40 * 1024 * 1024, crypto.randomBytes(4096));
      const second = (await rig.backup()).backup.stamp;
      await push();
      fs.chmodSync(path.join(rig.src, 'locked'), 0o755);
      // The second backup went up as changes to the first (format16 section 3), and the image as pieces.
      const names = emu
        .files()
        .filter((f) => !f.trashed)
        .map((f) => f.name);
      const sfx = password ? '.age' : '';
      expect(names).toEqual(
        expect.arrayContaining([`${second}.delta.tsv.gz${sfx}`, `${second}.packs.delta.tsv.gz${sfx}`]),
      );
      expect(
        rig.db.prepare('SELECT COUNT(DISTINCT sha256) AS files, COUNT(*) AS pieces FROM drive_pieces').get(),
      ).toEqual({
        files: 2,
        pieces: 18,
      });

      const readme = emu.files().find((f) => f.name === 'README.txt' && !f.trashed);
      expect(readme?.mimeType).toBe('text/plain');
      const drive = tempDir('cairn-drive-copy-');
      mirrorDrive(emu.files(), emu.dir, drive);
      const planDir = path.join(drive, 'Cairn', machine, 'docs');
      const text = fs.readFileSync(path.join(planDir, 'README.txt'), 'utf8');
      expect(scriptFromReadme(text)).toBe(RESTORE_SCRIPT);
      restoreAndCompare(rig, planDir, first, password, [DASH]);
      restoreAndCompare(rig, planDir, second, password, [DASH, BASH]);
    }, 180_000);
  }

  for (const password of [null, PASSWORD]) {
    const kind = password ? 'encrypted' : 'plain';
    it(`follows a chain of delta manifests and maps, puts 8 MiB pieces back with dd, one pack of temporary space at a time (${kind}, hand-made folder)`, async () => {
      const rig = makeRig();
      const src = (rel: string) => path.join(rig.src, rel);
      fs.mkdirSync(src('names'));
      for (const name of ODD_NAMES)
        fs.writeFileSync(Buffer.concat([Buffer.from(`${src('names')}/`), name]), name);
      fs.symlinkSync(Buffer.from([0x74, 0xe0]), Buffer.from(src('names/link-not-utf8')));
      fs.symlinkSync('-dash', src('names/link-to-dash'));
      fs.mkdirSync(src('locked/deep/er'), { recursive: true });
      fs.writeFileSync(src('locked/deep/er/inside.txt'), 'in read-only folders\n');
      fs.chmodSync(src('locked/deep'), 0o555);
      fs.chmodSync(src('locked'), 0o500);
      const big = crypto.randomBytes(2 * PIECE + 12_345);
      fs.writeFileSync(src('big.bin'), big);
      fs.writeFileSync(src('zeros.img'), Buffer.alloc(2 * PIECE + 7)); // two equal pieces: one member
      fs.writeFileSync(src('change.txt'), 'first\n');
      fs.writeFileSync(src('remove.txt'), 'removed later\n');
      fs.writeFileSync(src('empty'), '');
      fs.chmodSync(src('change.txt'), 0o600);
      fs.symlinkSync('big.bin', src('link'));
      fs.mkdirSync(src('times'));
      for (const [i, t] of TIMES.entries()) {
        fs.writeFileSync(src(`times/t${i}`), t);
        fs.utimesSync(src(`times/t${i}`), new Date(t), new Date(t));
      }
      const b1 = (await rig.backup()).backup.stamp;
      big.write('changed in the second piece', PIECE + 1000);
      fs.writeFileSync(src('big.bin'), big);
      fs.writeFileSync(src('change.txt'), 'second\n');
      fs.rmSync(src('remove.txt'));
      fs.writeFileSync(src('added.txt'), 'added in the second backup\n');
      const b2 = (await rig.backup()).backup.stamp;
      fs.rmSync(src('zeros.img'));
      fs.writeFileSync(src('change.txt'), 'third, longer than before\n');
      fs.mkdirSync(src('new folder'), { mode: 0o750 });
      fs.writeFileSync(src('new folder/added.txt'), 'added in the third backup\n');
      const b3 = (await rig.backup()).backup.stamp;
      makeWritable(rig.src);

      let recipient: string | undefined;
      let identityAge: Uint8Array | undefined;
      if (password) {
        const keyFile = path.join(tempDir(), 'key.txt');
        spawnSync('age-keygen', ['-o', keyFile]);
        const identity = fs.readFileSync(keyFile, 'utf8').match(/^AGE-SECRET-KEY-\S+/m)![0];
        recipient = spawnSync('age-keygen', ['-y', keyFile], { encoding: 'utf8' }).stdout.trim();
        identityAge = await sealIdentity({ password, identity, recipient }, 12); // a quick scrypt
      }
      const backups = [b1, b2, b3].map((stamp) => ({
        stamp,
        manifest: manifestOf(rig, stamp),
        dir: rig.backupDir(stamp),
      }));
      const drive = layOutDrive({ backups, pieceFrom: 2 * PIECE, recipient, identityAge });
      const text = readmeText('hand', 'docs');
      // A README saved by a Windows editor (CRLF) still gives a working restore.sh.
      fs.writeFileSync(path.join(drive.planDir, 'README.txt'), password ? text.replace(/\n/g, '\r\n') : text);
      expect(
        fs.readdirSync(path.join(drive.planDir, 'manifests')).filter((n) => n.includes('.delta.')),
      ).toHaveLength(4);

      for (const [stamp, shells] of [
        [b1, [DASH]],
        [b2, [BASH]],
        [b3, [DASH, BASH]],
      ] as const) {
        const needs = [...drive.needs.get(stamp)!];
        const kib = (bytes: number) => bytes / 1024;
        const largest = Math.max(...needs.map((p) => kib(drive.packs.get(p)!)));
        const all = needs.reduce((n, p) => n + kib(drive.packs.get(p)!), 0);
        expect(all).toBeGreaterThan(largest + 1024); // so one pack at a time is a real bound
        for (const run of restoreAndCompare(rig, drive.planDir, stamp, password, [...shells])) {
          expect(run.tempKiB).toHaveLength(needs.length); // each pack unpacked once
          for (const k of run.tempKiB) expect(k).toBeLessThan(largest + 512); // lists take a few KiB
        }
      }

      // A pack left in a zip that was not unpacked: the rest comes back, the files it held are named.
      const lost = [...drive.needs.get(b1)!].find((p) => p.includes('-small'))!;
      fs.rmSync(path.join(drive.planDir, 'packs', lost));
      const out = path.join(tempDir(), 'partial');
      const run = runRecipe({ planDir: drive.planDir, stamp: b3, out, shell: DASH, tools, password });
      expect(run.result.status).toBe(1);
      expect(run.text).toMatch(/NOT RESTORED: src\/names\//);
      expect(run.text).toContain(`packs/${lost} is not in the folder`);
      expect(fs.readFileSync(path.join(out, 'src/big.bin')).equals(big)).toBe(true);
      makeWritable(out);
    }, 240_000);
  }
});
