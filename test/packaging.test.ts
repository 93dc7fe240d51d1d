// Packages the app with electron-builder (`--linux dir`) and checks what lands in it. Electron's zip cannot be
// downloaded here, so a folder shaped like an unpacked Electron release stands in for it (electronDist).
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resourcesDir, trayIconFile } from '../electron/main/trayIcons';
import { TRAY_ICONS } from '../electron/main/trayModel';
import { tempDir } from './helpers/tmp';

const ROOT = path.resolve(__dirname, '..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// The UI is built by Vite into dist/renderer once renderer/ has its entry page; from then on it must ship.
const HAS_UI = fs.existsSync(path.join(ROOT, 'renderer', 'index.html'));
let out = '';
let appDir = '';
let files: string[] = [];
let log = '';

/**
 * The files of an unpacked Electron release for Linux. The `electron` binary is a shell script that carries
 * Electron's fuse wire (sentinel, version 1, 8 fuses at Electron's defaults), so the fuses can be flipped.
 */
function standInElectron(dir: string): void {
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from(`# ${SENTINEL}`), Buffer.from([1, 8]), Buffer.from('10110001\n')]);
  const script = Buffer.from('#!/bin/sh\necho "stand-in for Electron"\nexit 0\n');
  fs.writeFileSync(path.join(dir, 'electron'), Buffer.concat([script, wire]), { mode: 0o755 });
  for (const f of ['LICENSE', 'LICENSES.chromium.html', 'chrome-sandbox', 'chrome_100_percent.pak'])
    fs.writeFileSync(path.join(dir, f), '');
  for (const f of [
    'resources.pak',
    'icudtl.dat',
    'v8_context_snapshot.bin',
    'libffmpeg.so',
    'locales/en-US.pak',
  ])
    fs.writeFileSync(path.join(dir, f), '');
  fs.writeFileSync(path.join(dir, 'version'), '41.7.1');
}

beforeAll(() => {
  const needed = [
    'dist/main/index.cjs',
    'dist/preload/index.cjs',
    'dist/workers/copy.cjs',
    'dist/workers/place.cjs',
    ...(HAS_UI ? ['dist/renderer/index.html'] : []),
  ];
  for (const built of needed)
    if (!fs.existsSync(path.join(ROOT, built)))
      throw new Error(`${built} is not built; run \`npm run build\` (npm test does) before this test.`);
  const work = tempDir('cairn-pack-');
  const dist = path.join(work, 'electron-dist');
  standInElectron(dist);
  out = path.join(work, 'release');
  const r = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'electron-builder'),
    [
      '--linux',
      'dir',
      `-c.electronDist=${dist}`,
      // Rebuilding for Electron needs its headers from the network; the module's layout is what is checked.
      '-c.npmRebuild=false',
      `-c.directories.output=${out}`,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_BUILDER_CACHE: path.join(work, 'cache') },
    },
  );
  log = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`electron-builder failed:\n${log}`);
  appDir = path.join(out, 'linux-unpacked');
  files = listPackage(path.join(appDir, 'resources', 'app.asar'), { isPack: false });
}, 120_000);

describe('the Linux package (electron-builder --linux dir)', () => {
  it('has the executable named cairn, from the Electron release', () => {
    const exe = path.join(appDir, 'cairn');
    expect(fs.statSync(exe).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(exe, 'utf8')).toContain('stand-in for Electron');
    expect(fs.existsSync(path.join(appDir, 'LICENSE.electron.txt'))).toBe(true);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; app code only from app.asar', async () => {
    const wire = (await getCurrentFuseWire(path.join(appDir, 'cairn'))) as unknown as Record<number, number>;
    const on = (f: FuseV1Options) => String.fromCharCode(wire[f]!);
    expect(on(FuseV1Options.RunAsNode)).toBe('0');
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
  });

  const has = (f: string) => files.includes(path.sep + f.split('/').join(path.sep));

  it.runIf(HAS_UI)('holds every file of the built renderer in app.asar', () => {
    const dir = path.join(ROOT, 'dist', 'renderer');
    const built = (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(dir, f)).isFile() && !f.endsWith('.map'))
      .map((f) => `dist/renderer/${f.split(path.sep).join('/')}`);
    expect(built).toContain('dist/renderer/index.html');
    expect(built.filter((f) => !has(f))).toEqual([]);
  });

  it('holds the built main and preload in app.asar, and package.json points at main', () => {
    expect(has('dist/main/index.cjs')).toBe(true);
    expect(has('dist/preload/index.cjs')).toBe(true);
    const asar = path.join(appDir, 'resources', 'app.asar');
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/index.cjs');
    expect(extractFile(asar, 'dist/main/index.cjs').equals(fs.readFileSync(path.join(ROOT, pkg.main)))).toBe(
      true,
    );
  });

  it("holds the worker threads' entries where the main bundle looks for them (dist/workers)", () => {
    const asar = path.join(appDir, 'resources', 'app.asar');
    for (const w of ['copy', 'place']) {
      const f = `dist/workers/${w}.cjs`;
      expect(has(f), f).toBe(true);
      expect(extractFile(asar, f).equals(fs.readFileSync(path.join(ROOT, f))), f).toBe(true);
    }
  });

  it('unpacks better-sqlite3 from the asar, with the two modules it loads itself', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules');
    const native = path.join(unpacked, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    expect(fs.readFileSync(native).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(fs.existsSync(path.join(unpacked, 'better-sqlite3', 'lib', 'index.js'))).toBe(true);
    expect(files).toContain(path.join(path.sep, 'node_modules', 'bindings', 'bindings.js'));
    expect(files).toContain(path.join(path.sep, 'node_modules', 'file-uri-to-path', 'index.js'));
  });

  it('leaves out what the bundles already hold: other node_modules, sources, source maps', () => {
    const top = new Set(
      files
        .filter((f) => f.startsWith(`${path.sep}node_modules${path.sep}`))
        .map((f) => f.split(path.sep)[2]),
    );
    expect([...top].sort()).toEqual(['better-sqlite3', 'bindings', 'file-uri-to-path']);
    expect(
      files.filter((f) => f.endsWith('.map') || f.endsWith('.ts') || f.includes(`${path.sep}src${path.sep}`)),
    ).toEqual([]);
  });

  it('puts the tray icons where the app looks for them when packaged', () => {
    const dir = resourcesDir({
      isPackaged: true,
      resourcesPath: path.join(appDir, 'resources'),
      appPath: path.join(appDir, 'resources', 'app.asar'),
    });
    for (const icon of TRAY_ICONS) expect(fs.existsSync(trayIconFile(dir, 'linux', icon)), icon).toBe(true);
  });

  it('is configured for AppImage and deb (Utility), NSIS and dmg, with icons from resources/', () => {
    const yaml = createRequire(__filename)('js-yaml') as { load(s: string): unknown };
    const c = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as {
      linux: { target: string[]; category: string; icon: string; desktop: { entry: Record<string, string> } };
      win: { target: string; icon: string };
      mac: { target: string; icon: string };
      asarUnpack: string[];
    };
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.linux.category).toBe('Utility');
    expect(c.linux.desktop.entry.Categories).toMatch(/^Utility;/);
    expect(c.win.target).toBe('nsis');
    expect(c.mac.target).toBe('dmg');
    for (const icon of [c.linux.icon, c.win.icon, c.mac.icon])
      expect(fs.existsSync(path.join(ROOT, icon)), icon).toBe(true);
    expect(c.asarUnpack).toContain('node_modules/better-sqlite3/**');
  });
});
