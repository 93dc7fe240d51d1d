// The prune rows wait for the background sweep: until another process empties the trash, or not at all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepDone } from './pruneBench';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-bench-sweep-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sweepDone', () => {
  it('is null when there is no trash or an empty one (the prune deleted inline)', async () => {
    const trash = path.join(dir, 'trash');
    expect(await sweepDone(trash, performance.now())).toBeNull();
    fs.mkdirSync(trash);
    expect(await sweepDone(trash, performance.now())).toBeNull();
  });

  it('waits until another process has emptied the trash', async () => {
    const trash = path.join(dir, 'trash');
    const doomed = path.join(trash, 'pruned-2026-01-01_020000.abc', 'a', 'b');
    fs.mkdirSync(doomed, { recursive: true });
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(doomed, `f${i}`), 'x');
    const since = performance.now();
    const sweeper = spawn('sh', ['-c', 'sleep 0.3 && rm -rf "$1"/*', 'sh', trash], { stdio: 'ignore' });
    const exited = new Promise((resolve) => sweeper.on('exit', resolve));
    const ms = await sweepDone(trash, since);
    expect(await exited).toBe(0);
    expect(ms).not.toBeNull();
    expect(fs.readdirSync(trash)).toEqual([]);
  });
});
