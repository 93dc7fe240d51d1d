import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BackupChart } from './BackupChart';

const points = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    stamp: `2026-11-${String(i + 1).padStart(2, '0')}_021000`,
    bytes: (i + 1) * 1_000_000,
    newBytes: 1000,
  }));

describe('BackupChart', () => {
  it('keeps every label off the bars: the largest size above them, the dates below', () => {
    const { container } = render(<BackupChart points={points(5)} />);
    const bars = [...container.querySelectorAll('rect')].map((r) => ({
      top: Number(r.getAttribute('y')),
      bottom: Number(r.getAttribute('y')) + Number(r.getAttribute('height')),
    }));
    const texts = [...container.querySelectorAll('svg > text')].map((t) => Number(t.getAttribute('y')));
    const fontPx = 11;
    const barsTop = Math.min(...bars.map((b) => b.top));
    const barsBottom = Math.max(...bars.map((b) => b.bottom));
    expect(texts).toHaveLength(3);
    // A text's box reaches from about a font size above its baseline to a few pixels below.
    for (const y of texts) expect(y <= barsTop || y - fontPx >= barsBottom).toBe(true);
  });

  it('writes one date under a single backup, not the same date twice on top of itself', () => {
    const { container } = render(<BackupChart points={points(1)} />);
    const dates = [...container.querySelectorAll('svg > text')].filter((t) =>
      /2026-11-01/.test(t.textContent ?? ''),
    );
    expect(dates).toHaveLength(1);
  });
});
