// Which OAuth client made the Drive copy. With the drive.file scope Google shows an app only the files made
// by the same OAuth client, so a copy of Cairn signing in as another client cannot see (or rebuild from)
// the backups: the client ID (never its secret) is kept in plan.json on Drive and in the catalog.
import type { Db } from '../../catalog/db';
import { kvGet, kvSet } from '../../catalog/kv';

const COPY_CLIENT_KEY = 'drive.copyClientId';

/** Remembers the OAuth client that wrote (or from whose plan.json Cairn imported) the Drive copy. */
export function recordCopyClient(db: Db, clientId: string | null | undefined): void {
  if (clientId && kvGet<string>(db, COPY_CLIENT_KEY) !== clientId) kvSet(db, COPY_CLIENT_KEY, clientId);
}

/** The OAuth client ID that made the Drive copy, when known. */
export function copyClient(db: Db): string | null {
  return kvGet<string>(db, COPY_CLIENT_KEY) ?? null;
}

/** What to tell the user when this copy of Cairn signs in as another client than the one that made the backups. */
export function clientMismatch(madeWith: string | null, current: string | null): string | null {
  if (!madeWith || !current || madeWith === current) return null;
  return (
    `The backups on Drive were made with the OAuth client ${madeWith}, and this copy of Cairn signs in ` +
    `as ${current}. Google shows Cairn only the files its own client made: rebuilding from Drive needs ` +
    'the same OAuth client (a release build of Cairn, or your own client entered again).'
  );
}
