// Size and new bytes per backup over time, as plain SVG bars (oldest left); figures from backupList.
import { bytes, stampText } from '../format';

export interface ChartPoint {
  stamp: string;
  bytes: number;
  newBytes: number;
}

/** Draws at most the last 60 backups; each bar has a title with its figures for screen readers and hover. */
export function BackupChart({ points }: { points: ChartPoint[] }) {
  const shown = points.slice(-60);
  if (shown.length === 0)
    return <p className="muted">No backups yet: the chart appears after the first one.</p>;
  const max = Math.max(1, ...shown.map((p) => p.bytes));
  const w = 600;
  const h = 140;
  // The bars sit between a top band (the largest size) and a bottom band (the dates), so no label covers a bar.
  const top = 16;
  const slot = w / shown.length;
  const bar = Math.min(28, Math.max(2, slot * 0.7));
  return (
    <figure className="chart-figure">
      <svg
        className="chart"
        viewBox={`0 0 ${w} ${top + h + 16}`}
        role="img"
        aria-label="Backup size and new bytes per backup"
      >
        {shown.map((p, i) => {
          const x = i * slot + (slot - bar) / 2;
          const hs = (p.bytes / max) * h;
          const hn = Math.max(p.newBytes > 0 ? 1 : 0, (p.newBytes / max) * h);
          return (
            <g key={p.stamp}>
              <title>{`${stampText(p.stamp)}: ${bytes(p.bytes)} in total, ${bytes(p.newBytes)} new`}</title>
              <rect className="size" x={x} y={top + h - hs} width={bar} height={hs} />
              <rect className="new" x={x} y={top + h - hn} width={bar} height={hn} />
            </g>
          );
        })}
        <text x={0} y={top + h + 13}>
          {stampText(shown[0]!.stamp).slice(0, 10)}
        </text>
        {shown.length > 1 && (
          <text x={w} y={top + h + 13} textAnchor="end">
            {stampText(shown[shown.length - 1]!.stamp).slice(0, 10)}
          </text>
        )}
        <text x={w} y={11} textAnchor="end">
          {bytes(max)}
        </text>
      </svg>
      <figcaption className="row muted">
        <span className="legend-size" /> size of the backup <span className="legend-new" /> new bytes stored
      </figcaption>
    </figure>
  );
}
