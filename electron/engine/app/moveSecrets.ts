// Secrets an older Cairn kept in the catalog (the OAuth client secret, notification addresses with
// credentials) move to the secret store when a data folder is opened; the catalog keeps none.
import { logActivity } from '../catalog/activity';
import type { Db } from '../catalog/db';
import { moveClientSecret } from '../drive/pack/settings';
import type { SecretStore } from '../secrets/store';
import { moveUrlSecrets } from './service/notifyUrls';
import { saveStoredUrls, storedNotifications } from './service/settingsStore';

/** Moves the catalog's secrets to the secret store; logs what moved. */
export async function moveCatalogSecrets(db: Db, secrets: SecretStore, now: number): Promise<void> {
  const moved: string[] = [];
  if (await moveClientSecret(db, secrets)) moved.push('the Google OAuth client secret');
  if (await moveUrlSecrets(secrets, storedNotifications(db), (u) => saveStoredUrls(db, u)))
    moved.push('notification addresses with credentials');
  if (moved.length)
    logActivity(db, {
      at: now,
      kind: 'settings',
      actor: 'cairn',
      message: `Moved ${moved.join(' and ')} from the catalog to the secret store.`,
    });
}
