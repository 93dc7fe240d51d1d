// One folder of a backup, page by page from the catalog (2,000 entries a page), loaded as the list scrolls.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { Entry } from '../../shared/contract';
import { api } from './client';

export type EntryValue = z.output<typeof Entry>;

export interface FolderState {
  entries: EntryValue[];
  total: number | null;
  error: string | null;
  /** Asks for the next page when there is one and none is on its way. */
  more(): void;
}

interface Loaded {
  key: string;
  entries: EntryValue[];
  total: number | null;
  next: number | null;
  error: string | null;
}

const PAGE = 2000;

/** Loads the first page of plan/stamp/path, then more on request; a new folder starts empty. */
export function useFolder(plan: string | null, stamp: string | null, path: string): FolderState {
  const key = `${plan}|${stamp}|${path}`;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const busy = useRef<string | null>(null);
  const shown = useRef(key);

  const fetchPage = useCallback(
    (offset: number) => {
      if (!plan || !stamp || busy.current === `${key}@${offset}`) return;
      busy.current = `${key}@${offset}`;
      void api()
        .folderList({ plan, stamp, path, offset, limit: PAGE })
        .then((r) => {
          busy.current = null;
          // A late answer for a folder the user already left is dropped.
          if (shown.current !== key) return;
          setLoaded((prev) => {
            const base = prev?.key === key && offset > 0 ? prev.entries : [];
            if (!r.ok) return { key, entries: base, total: null, next: null, error: r.error.message };
            return {
              key,
              entries: [...base, ...r.value.entries],
              total: r.value.total,
              next: r.value.nextOffset,
              error: null,
            };
          });
        });
    },
    [plan, stamp, path, key],
  );

  useEffect(() => {
    shown.current = key;
    fetchPage(0);
  }, [key, fetchPage]);

  const current = loaded?.key === key ? loaded : null;
  const next = current?.next ?? null;
  const more = useCallback(() => {
    if (next !== null) fetchPage(next);
  }, [next, fetchPage]);
  return {
    entries: current?.entries ?? [],
    total: current?.total ?? null,
    error: current?.error ?? null,
    more,
  };
}
