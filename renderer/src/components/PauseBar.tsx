// Pause the backups that start by themselves (the schedule, after changes) for an hour, until tomorrow or
// until resumed, and Resume: the service's pauseSet, the same pause the tray and `cairn pause` set.
import { useState } from 'react';
import type { z } from 'zod';
import type { PauseSetInput } from '../../../shared/contract';
import { api } from '../client';
import { dateTime } from '../format';
import { appStore, useApp } from '../store/store';
import { ErrorLine } from './ErrorLine';

/** The next local midnight: "until tomorrow" ends when the new day starts. */
export function startOfTomorrow(now: number): number {
  const n = new Date(now);
  return new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1).getTime();
}

/** "Paused until 7 Dec 2026, 15:00" or "Paused until you resume". */
export function pausedText(until: number | null): string {
  return until === null ? 'Paused until you resume' : `Paused until ${dateTime(until)}`;
}

/** The pause as it stands, with the buttons to pause or resume. */
export function PauseBar({ now = Date.now }: { now?: () => number }) {
  const status = useApp((s) => s.status);
  const [error, setError] = useState<string | null>(null);
  const pause = status?.pause ?? null;
  const set = async (until: z.input<typeof PauseSetInput>['until']) => {
    setError(null);
    const r = await api().pauseSet({ until });
    if (!r.ok) return setError(r.error.message);
    const s = appStore.getState().status;
    if (s) appStore.getState().setStatus({ ...s, pause: r.value.pause });
  };
  if (!status || status.plans.length === 0) return null;
  return (
    <section className="card paused-bar" aria-label="Pause backups">
      {pause ? (
        <>
          <strong role="status">{pausedText(pause.until)}</strong>
          <span className="muted">
            Scheduled and after-change backups wait (one missed meanwhile runs after); Back up now still
            works.
          </span>
          <button type="button" className="primary" onClick={() => void set(null)}>
            Resume
          </button>
        </>
      ) : (
        <>
          <span>Backups run by themselves.</span>
          <button type="button" onClick={() => void set(now() + 3_600_000)}>
            Pause for 1 hour
          </button>
          <button type="button" onClick={() => void set(startOfTomorrow(now()))}>
            Pause until tomorrow
          </button>
          <button type="button" onClick={() => void set('resumed')}>
            Pause until I resume
          </button>
        </>
      )}
      <ErrorLine text={error} />
    </section>
  );
}
