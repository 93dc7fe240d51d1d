import { describe, expect, it } from 'vitest';
import { countTests } from './testCount.mjs';

const file = (status: string, tests: string[]) => ({
  status,
  assertionResults: tests.map((s) => ({ status: s })),
});

describe('the closing line of npm test', () => {
  it('counts tests, not files: one failing test is one failure', () => {
    const report = {
      testResults: [file('failed', ['passed', 'failed', 'passed']), file('passed', ['passed', 'skipped'])],
    };
    expect(countTests(report, 1)).toEqual({ passed: 3, failed: 1 });
  });

  it('counts a file that did not load, and a run that crashed, as one failure each', () => {
    expect(countTests({ testResults: [file('failed', []), file('passed', ['passed'])] }, 1)).toEqual({
      passed: 1,
      failed: 1,
    });
    expect(countTests(null, 1)).toEqual({ passed: 0, failed: 1 });
    expect(countTests({ testResults: [file('passed', ['passed'])] }, 0)).toEqual({ passed: 1, failed: 0 });
  });
});
