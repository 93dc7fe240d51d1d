import type { Notification, Notifier } from './types';

const TIMEOUT_MS = 10_000;

/** fetch refuses a URL with user info: it goes as Basic authorization instead (ntfy's user:password@). */
function withoutUserInfo(url: string, headers: Record<string, string>): [string, Record<string, string>] {
  const u = new URL(url);
  if (!u.username && !u.password) return [url, headers];
  const auth = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return [u.toString(), { ...headers, Authorization: `Basic ${Buffer.from(auth).toString('base64')}` }];
}

async function post(
  address: string,
  body: string,
  plain: Record<string, string>,
  what: string,
): Promise<void> {
  const [url, headers] = withoutUserInfo(address, plain);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (e) {
    const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    throw new Error(`The ${what} at ${new URL(url).host} could not be reached (${why}); check the address.`, {
      cause: e,
    });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok)
    throw new Error(`The ${what} at ${new URL(url).host} answered ${res.status}; check the address.`);
}

/** Header values must be Latin-1: ntfy reads RFC 2047 for the rest. */
function headerSafe(s: string): string {
  return /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}

const NTFY_PRIORITY = { low: '2', default: '3', high: '5' } as const;
const NTFY_TAGS: Record<Notification['event'], string> = {
  failing: 'rotating_light',
  attention: 'warning',
  'waiting-disk': 'floppy_disk',
  recovered: 'white_check_mark',
  success: 'white_check_mark',
  test: 'bell',
};

/** Publishes to an ntfy topic URL (https://ntfy.sh/<topic> or a self-hosted server). */
export function ntfyNotifier(topicUrl: string): Notifier {
  return {
    name: 'ntfy',
    send: (n) =>
      post(
        topicUrl,
        n.message,
        {
          'Content-Type': 'text/plain; charset=utf-8',
          Title: headerSafe(n.title),
          Priority: NTFY_PRIORITY[n.priority],
          Tags: `cairn,${NTFY_TAGS[n.event]}`,
        },
        'ntfy server',
      ),
  };
}

/** POSTs the notification as JSON to any URL (home automation, chat bridges, scripts). */
export function webhookNotifier(url: string): Notifier {
  return {
    name: 'webhook',
    send: (n) =>
      post(
        url,
        JSON.stringify({
          source: 'cairn',
          computer: n.computer ?? null,
          event: n.event,
          plan: n.planName,
          title: n.title,
          message: n.message,
          priority: n.priority,
          at: new Date(n.at).toISOString(),
        }),
        { 'Content-Type': 'application/json' },
        'webhook',
      ),
  };
}
