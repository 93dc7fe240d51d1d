// The ntfy and webhook addresses: the catalog keeps them redacted (what the API and the UI show), and an
// address with credentials in it (user info, a token) is kept whole in the secret store only.
import { hasSecret, redact } from '../../secrets/redact';
import type { SecretStore } from '../../secrets/store';
import type { SettingsValue } from './settingsStore';

type UrlField = 'ntfyUrl' | 'webhookUrl';
type Urls = Pick<SettingsValue['notifications'], UrlField>;

const FIELDS: UrlField[] = ['ntfyUrl', 'webhookUrl'];

/** The secret store key of a notification address with credentials. */
export const notifyUrlSecret = (f: UrlField): string => `notify.${f}`;

/**
 * Keeps each address given in `patch`: whole in the secret store when it holds credentials; returns what the
 * catalog gets (redacted). An address equal to what the API showed (`shown`, redacted) keeps the stored one.
 */
export async function keepUrlSecrets<P extends Partial<Urls>>(
  secrets: SecretStore,
  patch: P,
  shown: Urls,
): Promise<P> {
  const out = { ...patch };
  for (const f of FIELDS) {
    const url = patch[f];
    if (url === undefined || (url !== null && url === shown[f])) continue;
    if (url && hasSecret(url)) await secrets.set(notifyUrlSecret(f), url);
    else await secrets.delete(notifyUrlSecret(f));
    out[f] = url === null ? null : redact(url);
  }
  return out;
}

/** The addresses to send to: the whole one from the secret store where the catalog holds a redacted one. */
export async function notifyUrls(secrets: SecretStore, stored: Urls): Promise<Urls> {
  const out: Urls = { ntfyUrl: null, webhookUrl: null };
  for (const f of FIELDS) {
    const url = stored[f];
    // A whole address still in the catalog (an older Cairn, not moved yet) is used as it is.
    out[f] = url && !hasSecret(url) ? ((await secrets.get(notifyUrlSecret(f))) ?? url) : url;
  }
  return out;
}

/** Moves a notification address with credentials that an older Cairn kept in the catalog to the secret store. */
export async function moveUrlSecrets(
  secrets: SecretStore,
  stored: Urls,
  save: (urls: Partial<Urls>) => void,
): Promise<boolean> {
  const moving: Partial<Urls> = {};
  for (const f of FIELDS) if (stored[f] && hasSecret(stored[f])) moving[f] = stored[f];
  if (!Object.keys(moving).length) return false;
  save(await keepUrlSecrets(secrets, moving, { ntfyUrl: null, webhookUrl: null }));
  return true;
}
