// Words and numbers for people: sizes, counts, dates ("today 02:10, 3 hours ago"), durations.

export { ordinal } from '../../shared/units';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 -> "1.5 KB" (powers of 1024, like file managers). */
export function bytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

/** 12345 -> "12,345". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

const pad = (n: number) => String(n).padStart(2, '0');

function dayWord(at: Date, now: Date): string {
  const d0 = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const d1 = new Date(at.getFullYear(), at.getMonth(), at.getDate()).getTime();
  const days = Math.round((d1 - d0) / 86_400_000);
  if (days === 0) return 'today';
  if (days === -1) return 'yesterday';
  if (days === 1) return 'tomorrow';
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** "3 hours ago", "in 5 minutes", "just now". */
export function relative(ms: number, now: number): string {
  const diff = ms - now;
  const a = Math.abs(diff);
  if (a < 45_000) return 'just now';
  const steps: [number, string][] = [
    [86_400_000 * 365, 'year'],
    [86_400_000 * 30, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, word] of steps) {
    if (a >= size) {
      const n = Math.round(a / size);
      const w = `${n} ${word}${n === 1 ? '' : 's'}`;
      return diff < 0 ? `${w} ago` : `in ${w}`;
    }
  }
  return 'just now';
}

/** "today 02:10, 3 hours ago". */
export function when(ms: number, now: number): string {
  const d = new Date(ms);
  return `${dayWord(d, new Date(now))} ${pad(d.getHours())}:${pad(d.getMinutes())}, ${relative(ms, now)}`;
}

/** "2026-11-23 02:10". */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A stamp "2026-11-23_021000" as "2026-11-23 02:10:00". */
export function stampText(stamp: string): string {
  return `${stamp.slice(0, 10)} ${stamp.slice(11, 13)}:${stamp.slice(13, 15)}:${stamp.slice(15, 17)}`;
}

/** 3725 -> "1 h 2 min". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.round(seconds / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** 1 -> "1 file", 3 -> "3 files"; an irregular plural is given: counted(2, 'entry', 'entries'). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : plural}`;
}

/** A backup's date as its folder is named: to the minute, or to the second when another of `all` shares its minute. */
export function backupLabel(b: { stamp: string }, all: readonly { stamp: string }[]): string {
  const minute = b.stamp.slice(0, 15);
  const twin = all.some((o) => o.stamp !== b.stamp && o.stamp.slice(0, 15) === minute);
  const text = stampText(b.stamp);
  return twin ? text : text.slice(0, 16);
}

/** A message from the engine with its raw figures in words: "(116445950 bytes)" -> "(111 MB)", "7264 files" -> "7,264 files". */
export function readable(message: string): string {
  return message
    .replace(/\b(\d+) bytes\b/g, (_m, n: string) => bytes(Number(n)))
    .replace(/\b(\d{4,})(?= [a-z])/g, (_m, n: string) => count(Number(n)));
}
