// Every view and selection as an address, so Back and Reload keep the user where they were:
// #/VIEW[/PLAN[/STAMP[/PATH...]]][?against=STAMP]. PATH is a backup path ("Documents/a/b.txt"), one address
// segment per component.

export const VIEWS = [
  'overview',
  'history',
  'browse',
  'file',
  'changes',
  'retention',
  'drive',
  'settings',
  'activity',
] as const;
export type View = (typeof VIEWS)[number];

/** Where the user is. Only the fields a view reads are set; the others stay undefined. */
export interface Route {
  view: View;
  /** The plan the view looks at (history, browse, file, changes, retention, settings). */
  plan?: string;
  /** The backup: open in History's details, browsed, the file's selected version, or the newer of a comparison. */
  stamp?: string;
  /** A folder (browse, changes) or a file (file) inside the backup. */
  path?: string;
  /** Changes: the older backup compared with `stamp` (absent: the backup before it). */
  against?: string;
}

/** Views older addresses and the desktop shell still name; #/offsite is the off-site view (#/drive). */
const ALIASES: Record<string, View> = { restore: 'browse', offsite: 'drive' };

/**
 * One address segment. Names may hold bytes that are not UTF-8, kept as lone surrogates U+DC80..U+DCFF
 * (see Entry.name), which encodeURIComponent refuses: they become ~HH and "~" itself ~~ before encoding.
 */
export function encodeSegment(s: string): string {
  return encodeURIComponent(
    s.replace(/[~\uDC80-\uDCFF]/g, (c) => (c === '~' ? '~~' : `~${(c.charCodeAt(0) & 0xff).toString(16)}`)),
  );
}

/** Reverses encodeSegment; null for a segment that is not percent-encoding. */
export function decodeSegment(s: string): string | null {
  let d: string;
  try {
    d = decodeURIComponent(s);
  } catch {
    return null;
  }
  return d.replace(/~(~|[89a-f][0-9a-f])/g, (_, c: string) =>
    c === '~' ? '~' : String.fromCharCode(0xdc00 + parseInt(c, 16)),
  );
}

/** The address of a route ("#/browse/docs/2026-11-23_021000/Documents/a"). */
export function routeHash(r: Route): string {
  const parts: string[] = [r.view];
  if (r.plan !== undefined) {
    parts.push(encodeSegment(r.plan));
    if (r.stamp !== undefined) {
      parts.push(encodeSegment(r.stamp));
      if (r.path) parts.push(...r.path.split('/').map(encodeSegment));
    }
  }
  const q = r.against !== undefined ? `?against=${encodeSegment(r.against)}` : '';
  return `#/${parts.join('/')}${q}`;
}

/** Reads a route from an address hash; an unknown view or a hash without one (#token=...) is the overview. */
export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = body.split('?', 2);
  const segs = pathPart.split('/').filter((s) => s !== '');
  const first = segs[0] ?? '';
  const view = (VIEWS as readonly string[]).includes(first) ? (first as View) : ALIASES[first];
  if (!view) return { view: 'overview' };
  const decoded = segs.slice(1).map(decodeSegment);
  if (decoded.some((s) => s === null)) return { view };
  const [plan, stamp, ...path] = decoded as string[];
  const r: Route = { view };
  if (plan !== undefined) r.plan = plan;
  if (stamp !== undefined) r.stamp = stamp;
  if (path.length) r.path = path.join('/');
  const against = /(?:^|&)against=([^&]+)/.exec(query)?.[1];
  const a = against === undefined ? null : decodeSegment(against);
  if (a !== null) r.against = a;
  return r;
}

/** True when two routes name the same place. */
export function sameRoute(a: Route, b: Route): boolean {
  return routeHash(a) === routeHash(b);
}

/**
 * Goes to a route: a new history entry (Back returns here), or with `replace` the current entry changed (for
 * a default filled in, so Back does not stop on the address without it). The hashchange listener (main.tsx)
 * brings the store along.
 */
export function navigate(r: Route, opts: { replace?: boolean } = {}, win: Window = window): void {
  const hash = routeHash(r);
  if (win.location.hash === hash) return;
  if (opts.replace) {
    win.history.replaceState(win.history.state, '', hash);
    win.dispatchEvent(new HashChangeEvent('hashchange'));
  } else win.location.hash = hash;
}
