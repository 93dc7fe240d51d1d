// Short, plain time phrases for the tray ("3 h ago", "until 15:00"); pure, so the tray model is testable.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago a moment was, in the tray's few characters: "just now", "12 min ago", "3 h ago", "2 days ago". */
export function ago(at: number, now: number): string {
  const d = Math.max(0, now - at);
  if (d < MINUTE) return 'just now';
  if (d < HOUR) return `${Math.floor(d / MINUTE)} min ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)} h ago`;
  const days = Math.floor(d / DAY);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** A duration still to go, rounded up: "less than a minute", "4 min", "1 h 20 min". */
export function remaining(ms: number): string {
  if (ms < MINUTE) return 'less than a minute';
  const min = Math.ceil(ms / MINUTE);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const m = min % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function hhmm(d: Date): string {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A moment later than now in local time: "15:00" today, "tomorrow 00:00", or "Mon 3 Dec 08:00". */
export function clockTime(at: number, now: number): string {
  const a = new Date(at);
  const n = new Date(now);
  if (a.toDateString() === n.toDateString()) return hhmm(a);
  const tomorrow = new Date(n.getFullYear(), n.getMonth(), n.getDate() + 1);
  if (a.toDateString() === tomorrow.toDateString()) return `tomorrow ${hhmm(a)}`;
  const day = a.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });
  return `${day} ${hhmm(a)}`;
}

// "Pause until tomorrow" is the engine's (the UI, `cairn pause` and the tray share it).
export { startOfTomorrow } from '../engine/app/service/pause';

/** A byte count for people: "512 B", "3.4 MB". */
export function bytesText(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}
