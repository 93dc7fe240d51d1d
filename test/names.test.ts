import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../electron/engine/catalog/db';
import { scriptFromReadme } from '../electron/engine/drive/pack/readme';
import { DRIVE_SETTING_KEYS, setDriveSetting } from '../electron/engine/drive/pack/settings';
import { spawnEmulator, type SpawnedEmulator } from './drive-emulator/spawn';
import { diffByteTrees, readByteTree, writeOddNames } from './helpers/byteTree';
import { cairn, cairnJson } from './helpers/cli';
import { mirrorDrive } from './helpers/driveKit';
import { tempDir } from './helpers/tmp';
import { call, serve } from './serve-client';

let emu: SpawnedEmulator;
beforeAll(async () => {
  emu = await spawnEmulator();
});
afterAll(async () => {
  await emu.stop();
});

interface Entry {
  name: string;
  display: string;
  path: string;
  displayTarget: string | null;
}

/** Browse and search through `cairn serve`: display names escaped, real names round-trip through JSON. */
async function browseOverHttp(dataDir: string) {
  const s = await serve(dataDir);
  try {
    const list = async (p: string) => {
      const r = JSON.parse((await call(s, 'folderList', { plan: 'home', stamp: 'latest', path: p })).body);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      return r.value.entries as Entry[];
    };
    const top = await list('src');
    const raw = top.find((e) => e.display === 'raw\\xff')!;
    expect(raw).toMatchObject({ name: 'raw\udcff', path: 'src/raw\udcff' });
    expect(top.find((e) => e.name === 'link-to-raw')?.displayTarget).toBe('t\\xe0rget');
    // The path as the API gave it opens the folder (lone surrogates survive JSON both ways).
    const inRaw = await list(raw.path);
    expect(inRaw.map((e) => e.display)).toContain('x0\\x80');
    expect((await list('src/odd')).map((e) => e.display)).toContain('tab\\there 9');
    const found = JSON.parse((await call(s, 'search', { query: 'raw\\xff/x0' })).body);
    expect(found.value.results.map((r: { displayPath: string }) => r.displayPath)).toContain(
      'src/raw\\xff/x0\\x80',
    );
  } finally {
    s.proc.kill('SIGTERM');
    await s.exited;
  }
}

describe('names that are bytes (not valid UTF-8, NFC/NFD pairs, control characters, 255 bytes, 100 deep)', () => {
  it('back up, verify, restore and come back from Drive byte-exact by name', async () => {
    const root = tempDir('cairn-names-');
    const src = path.join(root, 'src');
    const dest = path.join(root, 'dest');
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(src);
    expect(writeOddNames(src, 500)).toBeGreaterThanOrEqual(500);
    const o = { dataDir, env: emu.env };
    const run = (args: string[]) => cairn(args, o);
    expect(run(['plan', 'add', 'home', '--source', src, '--dest', dest]).code).toBe(0);
    const db = openCatalog(dataDir);
    setDriveSetting(db, DRIVE_SETTING_KEYS.autoPush, false);
    setDriveSetting(db, DRIVE_SETTING_KEYS.machine, 'names');
    db.close();

    const first = run(['backup', 'home']);
    expect(first.stderr).not.toMatch(/not valid UTF-8/);
    expect(first.code, first.stderr).toBe(0);
    const [stamp1] = cairnJson<{ stamp: string }[]>(['list'], o).value.map((b) => b.stamp);
    // The dated folder holds the original names.
    expect(diffByteTrees(src, path.join(dest, 'home', stamp1!, 'src'))).toEqual([]);

    await new Promise((r) => setTimeout(r, 1100)); // one stamp per second
    const second = run(['backup', 'home']);
    expect(second.code, second.stderr).toBe(0);
    const [stamp2] = cairnJson<{ stamp: string }[]>(['list'], o).value.map((b) => b.stamp);
    expect(stamp2).not.toBe(stamp1);
    // Unchanged files with such names are hard links to the previous backup's copies.
    const name = Buffer.concat([
      Buffer.from(`${dest}/home/${stamp2}/src/raw`),
      Buffer.of(0xff, 0x2f, 0x78, 0x30, 0x80),
    ]);
    expect(fs.statSync(name).nlink).toBe(2);
    expect(diffByteTrees(src, path.join(dest, 'home', stamp2!, 'src'))).toEqual([]);

    const verified = run(['verify', 'home']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    const to = path.join(root, 'restored');
    const restored = run(['restore', 'latest', '--to', to]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(diffByteTrees(src, path.join(to, 'src'))).toEqual([]);
    expect(readByteTree(src).size).toBeGreaterThanOrEqual(500);

    // Browsing shows a byte that is not UTF-8 escaped.
    const shown = run(['show', 'latest', '--path', 'src']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('raw\\xff/');
    await browseOverHttp(dataDir);
    // A path typed as it is shown (\xff) restores that folder.
    const typed = run(['show', 'latest', '--path', 'src/raw\\xff']);
    expect(typed.stdout).toContain('x0\\x80');
    const part = path.join(root, 'part');
    const one = run(['restore', 'latest', '--path', 'src/raw\\xff', '--to', part]);
    expect(one.code, one.stderr).toBe(0);
    const rawDir = (under: string) => Buffer.concat([Buffer.from(`${under}/raw`), Buffer.of(0xff)]);
    expect(diffByteTrees(rawDir(src), rawDir(path.join(part, 'src')))).toEqual([]);

    // Drive: push, lose everything here, import from Drive and restore.
    const pushed = run(['drive', 'push']);
    expect(pushed.code, pushed.stderr).toBe(0);
    // The standard-tools recipe (README.txt on Drive) brings the names back too.
    const drive = path.join(root, 'drive');
    mirrorDrive((await emu.state()).files, emu.dir, drive);
    const planDir = path.join(drive, 'Cairn', 'names', 'home');
    fs.writeFileSync(
      path.join(drive, 'restore.sh'),
      scriptFromReadme(fs.readFileSync(path.join(planDir, 'README.txt'), 'utf8')),
    );
    const byRecipe = path.join(root, 'by-recipe');
    const sh = spawnSync('/bin/sh', ['restore.sh', planDir, stamp2!, byRecipe], {
      cwd: drive,
      env: { PATH: process.env.PATH, LANG: 'C' },
      encoding: 'utf8',
    });
    expect(sh.status, sh.stderr).toBe(0);
    expect(diffByteTrees(src, path.join(byRecipe, 'src'))).toEqual([]);
    fs.rmSync(dataDir, { recursive: true });
    fs.rmSync(dest, { recursive: true });
    const imp = run(['drive', 'import']);
    expect(imp.code, imp.stderr).toBe(0);
    const fromDrive = path.join(root, 'from-drive');
    const back = run(['restore', 'latest', '--to', fromDrive]);
    expect(back.code, back.stderr).toBe(0);
    expect(diffByteTrees(src, path.join(fromDrive, 'src'))).toEqual([]);
  }, 600_000); // about 25 runs of the real CLI: minutes on a loaded machine
});
