import { describe, expect, it } from 'vitest';
import { sampleRun } from '../testing/samples';
import { runText } from './RunStatus';

const MB = 1024 * 1024;

describe('a backup in progress', () => {
  it('says "at least" and no percentage while the sources are counted, never a total below what is done', () => {
    const counting = sampleRun({
      bytesDone: 1500 * MB,
      totalBytes: 1500 * MB,
      counted: false,
      fraction: null,
    });
    expect(runText(counting)).toBe('1.5 GB of at least 1.5 GB (counting: 120 files so far), 2.0 MB/s');
    const finishing = sampleRun({
      bytesDone: 10 * MB,
      totalBytes: 10 * MB,
      fraction: 0.99,
      etaSeconds: null,
    });
    expect(runText(finishing)).toBe(
      '10 MB of 10 MB (240 files), 2.0 MB/s, finishing (writing it all to the disk)',
    );
    expect(runText(sampleRun({ etaSeconds: null }))).toBe('5.0 MB of 10 MB (240 files), 2.0 MB/s');
  });
});
