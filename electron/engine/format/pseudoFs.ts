import fs from 'node:fs';
import path from 'node:path';
import { CairnError, errnoCode } from '../errors';

// Kernel file systems that show the system's state, not files: nothing is backed up from or into them
// (and fs.mkdirSync with recursive: true spins at 100 % CPU forever under /proc, seen with Node 20).
const PSEUDO = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'debugfs',
  'tracefs',
  'securityfs',
  'pstore',
  'bpf',
  'configfs',
  'mqueue',
  'fusectl',
  'efivarfs',
  'selinuxfs',
  'binfmt_misc',
  'rpc_pipefs',
  'nsfs',
]);

/** The real path of p, or of its nearest existing ancestor joined with the rest. */
export function realish(p: string): string {
  const abs = path.resolve(p);
  let cur = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

const unescape = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Mount points and their file system types, from /proc/self/mountinfo text (Linux), in mount order. */
export function parseMountinfo(text: string): { mountPoint: string; fsType: string }[] {
  const out: { mountPoint: string; fsType: string }[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    const mountPoint = left?.split(' ')[4];
    const fsType = right?.split(' ')[0];
    if (mountPoint && fsType) out.push({ mountPoint: unescape(mountPoint), fsType });
  }
  return out;
}

function readMountinfo(): string {
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return ''; // not Linux: no pseudo file system is known
  }
}

/** The type of the file system p is (or would be) on, when that is a pseudo file system; else null. */
export function pseudoFsType(p: string, mountinfo = readMountinfo()): string | null {
  const real = realish(p);
  let best: { mountPoint: string; fsType: string } | null = null;
  for (const m of parseMountinfo(mountinfo)) {
    const rel = path.relative(m.mountPoint, real);
    const under = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    if (under && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best && PSEUDO.has(best.fsType) ? best.fsType : null;
}

/** Refuses a source, backup folder or restore folder on a pseudo file system, in one sentence. */
export function refusePseudoFs(p: string, what: string): void {
  const type = pseudoFsType(p);
  if (type)
    throw new CairnError(
      'usage',
      `${what} ${p} is on ${type}, a kernel file system that holds no files to keep; choose a folder on a disk.`,
    );
}

/**
 * Makes a folder and its missing parents, one mkdir per level (at most as many steps as the path has
 * parts), instead of fs.mkdirSync's recursive mode, which can loop forever on odd file systems.
 */
export function makeDirs(dir: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  for (let cur = abs; !fs.existsSync(cur); cur = path.dirname(cur)) {
    missing.push(cur);
    if (path.dirname(cur) === cur) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
    }
  }
}
