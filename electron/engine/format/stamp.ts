/** A backup's folder name from its local start time: YYYY-MM-DD_HHMMSS. */
export function formatStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_` +
    `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
  );
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})_(\d{2})(\d{2})(\d{2})$/;

/** True for a backup folder name. */
export function isStamp(s: string): boolean {
  return STAMP.test(s);
}

/** The local time a stamp names, in ms. */
export function parseStamp(s: string): number {
  const m = STAMP.exec(s);
  if (!m) throw new Error(`"${s}" is not a backup stamp (YYYY-MM-DD_HHMMSS)`);
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return new Date(y!, mo! - 1, d!, h!, mi!, se!).getTime();
}
