import { describe, expect, it } from 'vitest';
import { throttleByKey } from './throttle';

describe('throttleByKey', () => {
  it('passes the first value at once and the last one after the interval, per key', async () => {
    const got: [string, number][] = [];
    const t = throttleByKey<number>(100, (k, v) => got.push([k, v]));
    for (let i = 1; i <= 50; i++) t('a', i);
    t('b', 7);
    expect(got).toEqual([
      ['a', 1],
      ['b', 7],
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toEqual([
      ['a', 1],
      ['b', 7],
      ['a', 50],
    ]);
  });
});
