import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs, parseMountinfo, pseudoFsType } from './pseudoFs';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw',
  '24 22 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw',
  '25 24 0:23 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw',
  '26 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw,size=8k',
  '27 26 0:24 / /dev/shm rw shared:3 - tmpfs tmpfs rw',
  '28 22 8:2 / /media/my\\040disk rw shared:30 - ext4 /dev/sdb1 rw',
].join('\n');

describe('pseudo file systems', () => {
  it('reads mount points (with escaped spaces) and types from mountinfo', () => {
    expect(parseMountinfo(MOUNTINFO).at(-1)).toEqual({ mountPoint: '/media/my disk', fsType: 'ext4' });
  });

  it('names the pseudo file system a path is or would be on, by the deepest mount point', () => {
    expect(pseudoFsType('/proc/self/new/folder', MOUNTINFO)).toBe('proc');
    expect(pseudoFsType('/sys/class', MOUNTINFO)).toBe('sysfs');
    expect(pseudoFsType('/sys/fs/cgroup/x', MOUNTINFO)).toBe('cgroup2');
    expect(pseudoFsType('/dev/backups', MOUNTINFO)).toBe('devtmpfs');
    expect(pseudoFsType('/dev/shm/backups', MOUNTINFO)).toBeNull();
    expect(pseudoFsType('/media/my disk/backups', MOUNTINFO)).toBeNull();
    expect(pseudoFsType('/processed', MOUNTINFO)).toBeNull();
  });

  it('finds /proc on this machine', () => {
    expect(pseudoFsType('/proc/x/backups')).toBe('proc');
    expect(pseudoFsType(os.tmpdir())).toBeNull();
  });

  it('makes missing parents one level at a time, and fails at once under /proc', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-mkdirs-'));
    makeDirs(path.join(root, 'a/b/c'));
    makeDirs(path.join(root, 'a/b/c'));
    expect(fs.statSync(path.join(root, 'a/b/c')).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(root, 'file'), '');
    expect(() => makeDirs(path.join(root, 'file/x'))).toThrow(/ENOTDIR|EEXIST/);
    const t0 = performance.now();
    expect(() => makeDirs('/proc/x/y')).toThrow(/ENOENT/);
    expect(performance.now() - t0).toBeLessThan(1000);
    fs.rmSync(root, { recursive: true });
  });
});
