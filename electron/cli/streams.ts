/**
 * Problems (warnings, refusals, failures) go to stderr, results to stdout, so that scripts can tell them
 * apart by stream whatever the exit code says.
 */
export function problem(lines: string | readonly string[]): void {
  const list = typeof lines === 'string' ? [lines] : lines;
  if (list.length) process.stderr.write(list.join('\n') + '\n');
}

/** Runs `f` with a signal that Ctrl+C (SIGINT) or SIGTERM aborts, so the work stops cleanly. */
export async function untilSignal<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await f(ac.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
