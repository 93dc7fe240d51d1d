import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Every file of a folder with its content's hash and inode: what "byte-exact, untouched" compares. */
export function folderSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const p = path.join(dir, f);
    if (!fs.lstatSync(p).isFile()) continue;
    out[f] = `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}@${fs.statSync(p).ino}`;
  }
  return out;
}
