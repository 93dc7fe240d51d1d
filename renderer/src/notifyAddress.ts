// The ntfy address as a server and a topic (the stored URL is the two joined), and the checks the
// notification fields make as the user types.

export const NTFY_SERVER = 'https://ntfy.sh';

/** Splits a stored ntfy URL into its server and its topic (a query, e.g. a redacted token, stays with it). */
export function ntfyParts(url: string | null): { server: string; topic: string } {
  if (!url) return { server: NTFY_SERVER, topic: '' };
  const cut = url.lastIndexOf('/', url.includes('?') ? url.indexOf('?') : url.length);
  if (cut < 0 || url.slice(0, cut).endsWith('/')) return { server: url, topic: '' };
  return { server: url.slice(0, cut), topic: url.slice(cut + 1) };
}

/** The ntfy URL of a server and a topic; null without a topic (no ntfy). */
export function ntfyUrl(server: string, topic: string): string | null {
  const t = topic.trim();
  return t ? `${server.trim().replace(/\/+$/, '')}/${t}` : null;
}

/** Why a server or webhook address cannot be used, or null when it can. */
export function addressProblem(address: string): string | null {
  const a = address.trim();
  if (!a) return null;
  let u: URL;
  try {
    u = new URL(a);
  } catch {
    return 'Give the whole address, starting with https://';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'The address starts with https:// or http://';
  return null;
}

/** Why a topic cannot be used (ntfy: letters, digits, - and _, up to 64), or null when it can. */
export function topicProblem(topic: string): string | null {
  const t = topic.trim().split('?')[0]!;
  if (!t) return null;
  return /^[A-Za-z0-9_-]{1,64}$/.test(t)
    ? null
    : 'A topic has letters, digits, - and _ only (up to 64); pick one others cannot guess.';
}

/** A channel's name for people. */
export function channelName(channel: string): string {
  return (
    { desktop: 'Desktop', log: 'The cairn serve log', ntfy: 'ntfy', webhook: 'Webhook' }[channel] ?? channel
  );
}
