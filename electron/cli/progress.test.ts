import { describe, expect, it } from 'vitest';
import { sampleProgress, T0 } from '../../test/helpers/progress';
import type { BackupProgress } from '../engine/backup/run';
import { backupProgress, progressLine } from './progress';

const MiB = 1 << 20;

function terminal() {
  const out: string[] = [];
  const stream = {
    isTTY: true,
    columns: 200,
    write: (s: string) => out.push(s),
  } as unknown as NodeJS.WriteStream;
  return { out, last: () => out.at(-1)!.replace('\r\x1b[2K', ''), stream };
}

const run = (over: Partial<BackupProgress>) =>
  sampleProgress({ files: 3, totalFiles: 3, currentPath: 'home/big.iso', ...over });

describe('the backup progress line', () => {
  it('says "at least" while counting, then a percentage, the recent rate and an ETA once it means something', () => {
    const t = terminal();
    let now = T0;
    const show = backupProgress(progressLine(t.stream), () => now);
    show(run({ bytesDone: 10 * MiB, totalBytes: 100 * MiB }));
    expect(t.last()).toBe('10.0 MiB of at least 100.0 MiB, 3 files so far, 0 B/s  home/big.iso');
    for (let s = 1; s <= 4; s++) {
      now = T0 + s * 1000;
      show(run({ bytesDone: (10 + 10 * s) * MiB, totalBytes: 1000 * MiB, counted: true }));
    }
    expect(t.last()).toBe('5%, 50.0 MiB of 1000.0 MiB, 10.0 MiB/s, about 1 min 35 s left  home/big.iso');
    now += 1000;
    show(run({ bytesDone: 1000 * MiB, totalBytes: 1000 * MiB, counted: true }));
    expect(t.last()).toMatch(/^99%, 1000\.0 MiB of 1000\.0 MiB, .*\/s, finishing/);
  });
});
