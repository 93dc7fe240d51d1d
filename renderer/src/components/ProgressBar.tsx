// A progress bar with its figures in words; indeterminate when the total is not known.

/** fraction null: the service does not know the total yet (a first backup). */
export function ProgressBar({ fraction, label }: { fraction: number | null; label: string }) {
  const pct = fraction === null ? undefined : Math.round(fraction * 100);
  return (
    <div
      className={`progress${fraction === null ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div style={pct === undefined ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
