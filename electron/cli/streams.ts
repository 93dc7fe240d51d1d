/**
 * Problems (warnings, refusals, failures) go to stderr, results to stdout, so that scripts can tell them
 * apart by stream whatever the exit code says.
 */
export function problem(lines: string | readonly string[]): void {
  const list = typeof lines === 'string' ? [lines] : lines;
  if (list.length) process.stderr.write(list.join('\n') + '\n');
}
