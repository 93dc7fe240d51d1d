import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test/helpers/tmp';
import { writeAtomic } from './metrics';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('writeAtomic (the node_exporter textfile)', () => {
  it('keeps the mode of the file it replaces, never widening it', () => {
    const file = path.join(tempDir(), 'cairn.prom');
    for (const m of [0o600, 0o640, 0o644]) {
      fs.writeFileSync(file, 'old\n');
      fs.chmodSync(file, m);
      writeAtomic(file, `cairn_up ${m}\n`);
      expect(mode(file)).toBe(m);
      expect(fs.readFileSync(file, 'utf8')).toBe(`cairn_up ${m}\n`);
    }
    expect(fs.readdirSync(path.dirname(file))).toEqual(['cairn.prom']);
  });

  it('makes a new file readable by node_exporter (0644 less the umask)', () => {
    const file = path.join(tempDir(), 'new.prom');
    writeAtomic(file, 'cairn_up 1\n');
    expect(mode(file)).toBe(0o644 & ~process.umask());
  });
});
