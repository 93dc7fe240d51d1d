// Calls one contract method when its key changes; the view shows the value or the service's message.
import { useCallback, useEffect, useState } from 'react';
import type { Result } from '../../shared/result';

export interface CallState<T> {
  value: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
}

interface Answer<T> {
  key: string;
  value: T | null;
  error: string | null;
}

/**
 * Runs `call` on mount and whenever `key` changes (a null key waits). The last answer stays on screen while
 * the next is on its way; answers of older keys are dropped.
 */
export function useCall<T>(key: string | null, call: () => Promise<Result<T>>): CallState<T> {
  const [tick, setTick] = useState(0);
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  const full = key === null ? null : `${key}#${tick}`;
  useEffect(() => {
    if (full === null) return;
    let live = true;
    void call().then((r) => {
      if (!live) return;
      setAnswer(
        r.ok
          ? { key: full, value: r.value, error: null }
          : { key: full, value: null, error: r.error.message },
      );
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key names the call
  }, [full]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return {
    value: answer?.value ?? null,
    error: answer?.error ?? null,
    loading: full !== null && answer?.key !== full,
    reload,
  };
}
