import { describe, expect, it } from 'vitest';
import { sampleProgress as run, T0 } from '../../../../test/helpers/progress';
import { progressFigures, RateWindow } from './progress';

const MB = 1_000_000;

describe('progressFigures', () => {
  it('says no percentage and no ETA until the total is counted, and never a total below what is done', () => {
    // The case: 1.5 GB added to a tree of 111 MB; the walk so far saw 111 MB, the copies did more.
    const w = new RateWindow();
    const f = progressFigures(
      run({ bytesDone: 1500 * MB, totalBytes: 111 * MB, counted: false }),
      T0 + 300,
      w,
    );
    expect(f.totalBytes).toBe(1500 * MB);
    expect(f.counted).toBe(false);
    expect(f.fraction).toBeNull();
    expect(f.etaSeconds).toBeNull();
  });

  it('gives no ETA in the first seconds however much is done, then one from the recent rate', () => {
    const w = new RateWindow();
    const at = (ms: number, done: number) =>
      progressFigures(run({ bytesDone: done, totalBytes: 1611 * MB, counted: true }), T0 + ms, w);
    const early = at(300, 1547 * MB);
    expect(early.fraction).toBeCloseTo(0.96, 2);
    expect(early.etaSeconds).toBeNull();
    for (let ms = 500; ms <= 3000; ms += 500) at(ms, 1547 * MB + (ms - 300) * 10_000); // 10 MB/s
    const later = at(3500, 1547 * MB + 3200 * 10_000);
    expect(later.bytesPerSecond).toBe(10 * MB);
    expect(later.etaSeconds).toBe(Math.ceil((1611 * MB - (1547 * MB + 32 * MB)) / (10 * MB)));
  });

  it('measures the rate over the last ten seconds, not since the start', () => {
    const w = new RateWindow();
    let done = 0;
    let f = progressFigures(run({}), T0, w);
    for (let s = 1; s <= 30; s++) {
      done += s <= 15 ? 100 * MB : 10 * MB; // fast at first (links), then slow (copies)
      f = progressFigures(run({ bytesDone: done, totalBytes: 5000 * MB, counted: true }), T0 + s * 1000, w);
    }
    expect(f.bytesPerSecond).toBe(10 * MB);
    expect(f.etaSeconds).toBe(Math.ceil((5000 * MB - done) / (10 * MB)));
  });

  it('never says "0 s left": with everything copied the run is finishing, below 100 %', () => {
    const w = new RateWindow();
    progressFigures(run({ bytesDone: 0, totalBytes: 100 * MB, counted: true }), T0, w);
    const f = progressFigures(
      run({ bytesDone: 100 * MB, totalBytes: 100 * MB, counted: true }),
      T0 + 5000,
      w,
    );
    expect(f.fraction).toBe(0.99);
    expect(f.etaSeconds).toBeNull();
    const almost = progressFigures(
      run({ bytesDone: 100 * MB - 1, totalBytes: 100 * MB, counted: true }),
      T0 + 6000,
      w,
    );
    expect(almost.etaSeconds).toBe(1);
  });

  it('counts files for the fraction when there are no bytes to copy', () => {
    const f = progressFigures(
      run({ files: 5, totalFiles: 20, bytesDone: 0, totalBytes: 0, counted: true }),
      T0 + 100,
      new RateWindow(),
    );
    expect(f.fraction).toBe(0.25);
  });
});
