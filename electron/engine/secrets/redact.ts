// Credentials inside URLs (a webhook or ntfy address with a user and password, a token in the query or the
// path) are shown as *** everywhere but the secret store: activity, the API's settings, the serve log.

/** What a redacted part reads as. */
export const REDACTED = '***';

/** Query parameters whose values are credentials (ntfy's ?auth=, ?token=, ?api_key=, ?sig=, ...). */
const SECRET_PARAM = /token|key|secret|pass|auth|sig|credential|session/i;

/** A path segment that is a token: ntfy's tk_..., or a long random-looking run (Slack and Discord hooks). */
function secretSegment(s: string): boolean {
  if (/^tk_[A-Za-z0-9]+$/.test(s)) return true;
  return s.length >= 24 && /^[A-Za-z0-9_-]+$/.test(s) && /[0-9]/.test(s) && /[A-Za-z]/.test(s);
}

/** One URL with its user info, secret query values and token path segments replaced by ***. */
function redactUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return text;
  }
  let found = false;
  if (u.password || (u.username && u.username !== REDACTED)) {
    u.username = REDACTED;
    u.password = '';
    found = true;
  }
  const segments = u.pathname.split('/');
  if (segments.some(secretSegment)) {
    u.pathname = segments.map((s) => (secretSegment(s) ? REDACTED : s)).join('/');
    found = true;
  }
  for (const k of new Set(u.searchParams.keys()))
    if (SECRET_PARAM.test(k) && u.searchParams.get(k) !== REDACTED) {
      u.searchParams.set(k, REDACTED);
      found = true;
    }
  // Untouched URLs stay as written; URLSearchParams would write *** as %2A%2A%2A: keep it readable.
  return found ? u.toString().replaceAll('%2A%2A%2A', REDACTED) : text;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi;

/** Text with every URL in it redacted (a URL alone, or URLs inside a message). */
export function redact(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl);
}

/** A JSON-like value with every string in it redacted (activity details, settings). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}

/** True when redacting changes the text: it holds a credential that must stay in the secret store. */
export function hasSecret(text: string): boolean {
  return redact(text) !== text;
}
