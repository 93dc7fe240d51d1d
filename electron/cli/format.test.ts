import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount } from './format';

describe('formatCount', () => {
  it('puts thousands separators where en-US does', () => {
    for (const n of [
      0, 7, 999, 1000, 12_345, -1234, -999, 1_000_000, 50_440, 123_456_789, 1.5, -1_234_567.25,
    ])
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(413_138_944)]).toEqual([
      '512 B',
      '1.50 KiB',
      '394.0 MiB',
    ]);
  });
});
