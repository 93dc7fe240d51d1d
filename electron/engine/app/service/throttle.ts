/**
 * Calls `f` with the latest value per key at most once per `ms`: the first at once, the last one always
 * (trailing), the ones between dropped. For counts that move thousands of times a second (a git checkout).
 */
export function throttleByKey<V>(ms: number, f: (key: string, v: V) => void): (key: string, v: V) => void {
  const state = new Map<string, { last: number; pending: V | undefined; timer: NodeJS.Timeout | null }>();
  return (key, v) => {
    let s = state.get(key);
    if (!s) state.set(key, (s = { last: 0, pending: undefined, timer: null }));
    const now = Date.now();
    if (now - s.last >= ms && !s.timer) {
      s.last = now;
      f(key, v);
      return;
    }
    s.pending = v;
    if (s.timer) return;
    const entry = s;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        entry.last = Date.now();
        f(key, entry.pending as V);
      },
      Math.max(0, ms - (now - entry.last)),
    );
    entry.timer.unref();
  };
}
