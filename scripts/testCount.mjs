// How many tests passed and failed in one vitest run, from its JSON report (`--reporter=json`): tests,
// not files. A file that failed without a failing test (it did not load) counts as one failure, and so
// does a run that failed with no report or no failure in it (a crash).

/** Counts a vitest JSON report (null when none was written) and the run's exit status. */
export function countTests(report, exitStatus) {
  let passed = 0;
  let failed = 0;
  for (const file of report?.testResults ?? []) {
    const tests = file.assertionResults ?? [];
    passed += tests.filter((t) => t.status === 'passed').length;
    const f = tests.filter((t) => t.status === 'failed').length;
    failed += f > 0 ? f : file.status === 'failed' ? 1 : 0;
  }
  if (exitStatus !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}
