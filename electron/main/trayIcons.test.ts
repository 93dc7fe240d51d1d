import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appIconFile, resourcesDir, trayIconFile } from './trayIcons';
import { TRAY_ICONS } from './trayModel';

const DIR = path.resolve('resources');

/** Width and height from a PNG's IHDR, after checking the signature. */
function pngSize(data: Buffer): [number, number] {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

/** The sizes of the PNG images inside an ICO file. */
function icoSizes(data: Buffer): number[] {
  expect(data.readUInt16LE(2)).toBe(1);
  const n = data.readUInt16LE(4);
  return Array.from({ length: n }, (_, i) => {
    const e = 6 + 16 * i;
    const [w, h] = pngSize(
      data.subarray(data.readUInt32LE(e + 12), data.readUInt32LE(e + 12) + data.readUInt32LE(e + 8)),
    );
    expect(w).toBe(h);
    expect(data[e] === 0 ? 256 : data[e]).toBe(w);
    return w;
  });
}

describe('tray icons', () => {
  it.each(TRAY_ICONS)('exist for %s on every OS at the sizes each needs', (icon) => {
    const mac = trayIconFile(DIR, 'darwin', icon);
    expect(path.basename(mac)).toBe(`${icon}Template.png`);
    expect(pngSize(fs.readFileSync(mac))).toEqual([16, 16]);
    expect(pngSize(fs.readFileSync(mac.replace('.png', '@2x.png')))).toEqual([32, 32]);

    const linux = trayIconFile(DIR, 'linux', icon);
    expect(pngSize(fs.readFileSync(linux))).toEqual([24, 24]);
    expect(pngSize(fs.readFileSync(linux.replace('.png', '@2x.png')))).toEqual([48, 48]);

    expect(icoSizes(fs.readFileSync(trayIconFile(DIR, 'win32', icon)))).toEqual([16, 20, 24, 32, 40, 48, 64]);
  });

  it('differ from state to state', () => {
    const bytes = TRAY_ICONS.map((i) => fs.readFileSync(trayIconFile(DIR, 'linux', i)).toString('base64'));
    expect(new Set(bytes).size).toBe(TRAY_ICONS.length);
  });

  it('has the app icon at the sizes packaging needs', () => {
    expect(pngSize(fs.readFileSync(path.join(DIR, 'icon.png')))).toEqual([1024, 1024]);
    expect(pngSize(fs.readFileSync(appIconFile(DIR)))).toEqual([256, 256]);
    for (const s of [16, 32, 48, 64, 128, 256, 512])
      expect(pngSize(fs.readFileSync(path.join(DIR, 'icons', `${s}x${s}.png`)))).toEqual([s, s]);
    expect(icoSizes(fs.readFileSync(path.join(DIR, 'icon.ico')))).toContain(256);
  });

  it('are looked up beside app.asar when packaged and in the app folder otherwise', () => {
    const f = { resourcesPath: '/opt/Cairn/resources', appPath: '/opt/Cairn/resources/app.asar' };
    expect(resourcesDir({ ...f, isPackaged: true })).toBe('/opt/Cairn/resources/resources');
    expect(resourcesDir({ isPackaged: false, resourcesPath: '/x', appPath: '/w' })).toBe('/w/resources');
  });
});
