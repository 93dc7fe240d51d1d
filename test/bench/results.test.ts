// The bench's verdicts: a row carries several ratios and targets, and is MET only when all are met.
import { describe, expect, it } from 'vitest';
import { applyTargets, formatTable, PRUNES_NONE, PRUNES_ONE, ratioOf, verdict, type Row } from './results';

const at = (operation: string, tool: string, ms: number, files: number | null = null): Row => ({
  section: 'backup',
  operation,
  tool,
  ms,
  runsMs: [ms],
  bytes: null,
  files,
  rssKib: null,
});

describe('applyTargets', () => {
  it('gives the no-change row a ratio and a target for each peer of the issues', () => {
    const rows = [
      at('no-change backup', 'cairn', 2000),
      at('no-change backup', 'restic', 4000),
      at('no-change backup', 'cp -al (floor)', 1000),
      at('no-change backup', 'rsync -a --link-dest', 2500),
    ];
    applyTargets(rows, 100);
    const cairn = rows[0]!;
    expect(cairn.ratios).toEqual([
      { peer: 'restic', value: 0.5 },
      { peer: 'cp -al (floor)', value: 2 },
      { peer: 'rsync -a --link-dest', value: 0.8 },
    ]);
    expect(cairn.targets!.map((t) => t.text)).toEqual([
      '<= 0.8x restic (#19)',
      '<= 2.0x cp -al (floor) (#19)',
      '<= 1.0x rsync -a --link-dest (#3)',
    ]);
    expect(verdict(cairn)).toBe('MET');
    expect(rows.slice(1).map(verdict)).toEqual(['', '', '']);
    const table = formatTable(rows);
    expect(table).toContain('0.50x restic; 2.00x cp -al (floor); 0.80x rsync -a --link-dest');
    expect(table.split('\n')[2]).toMatch(/MET$/);
  });

  it('says MISSED when one target of several is missed, and shows the ratios of peers that ran', () => {
    const rows = [at('first backup', 'cairn', 1200), at('first backup', 'cp -a', 1000)];
    applyTargets(rows, 100);
    expect(rows[0]!.ratios).toEqual([{ peer: 'cp -a', value: 1.2 }]);
    expect(rows[0]!.targets).toEqual([{ text: '<= 1.15x cp -a (#19)', met: false }]);
    expect(verdict(rows[0]!)).toBe('MISSED');
    rows.push(at('first backup', 'rsync -a', 1000));
    delete rows[0]!.targets;
    delete rows[0]!.ratios;
    applyTargets(rows, 100);
    expect(rows[0]!.targets!.map((t) => t.met)).toEqual([false, true]);
    expect(verdict(rows[0]!)).toBe('MISSED');
  });

  it('compares the pruning daily run with the one that prunes nothing, not with itself', () => {
    const rows = [at('daily backup', PRUNES_ONE, 1100), at('daily backup', PRUNES_NONE, 1000)];
    applyTargets(rows, 100);
    expect(rows[0]!.targets).toEqual([{ text: `<= 1.2x ${PRUNES_NONE} (#19)`, met: true }]);
    expect(rows[1]!.ratios).toBeUndefined();
  });

  it("pairs runs round by round: the median of the rounds' ratios, not the ratio of the medians", () => {
    const cairn = { ...at('first backup', 'cairn', 12), runsMs: [10, 12, 30] };
    const cp = { ...at('first backup', 'cp -a', 10), runsMs: [10, 6, 15] };
    expect(ratioOf(cairn, cp, false)).toBe(2); // rounds 1x, 2x, 2x; the medians' ratio would say 1.2x
    expect(ratioOf(cairn, { ...cp, runsMs: [10] }, false)).toBeCloseTo(1.2); // not paired: medians
  });

  it('compares time per file for the same operation at two sizes', () => {
    const rows = [
      { ...at('first backup, tiny files', 'cairn', 30_000, 1_000_000), section: 'scale' },
      {
        ...at('first backup, tiny files', 'cairn at a tenth of the files', 2_000, 100_000),
        section: 'scale',
      },
    ];
    rows[0]!.rssKib = 500 * 1024;
    applyTargets(rows, 0);
    expect(rows[0]!.ratios).toEqual([{ peer: 'cairn at a tenth of the files, per file', value: 1.5 }]);
    expect(rows[0]!.targets).toEqual([{ text: 'RSS < 400 MiB at 1M files (#19)', met: false }]);
  });

  it('adds the catalog time limits and the 1M-file RSS ceiling to the rows they are for', () => {
    const open = { ...at('open folder, 100,000 entries', 'cairn catalog', 250), section: 'catalog' };
    const first = { ...at('first backup', 'cairn', 2000), rssKib: 300 * 1024 };
    applyTargets([open, first, at('first backup', 'cp -a', 1000)], 1_000_000);
    expect(open.targets).toEqual([{ text: '< 200 ms (#7)', met: false }]);
    expect(first.targets).toEqual([
      { text: '<= 1.15x cp -a (#19)', met: false },
      { text: 'RSS < 400 MiB at 1M files (#3)', met: true },
    ]);
    expect(verdict(first)).toBe('MISSED');
  });
});
