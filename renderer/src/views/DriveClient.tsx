// The Google OAuth client Cairn signs in as: the steps to make one when this copy has none built in, the
// fields to enter it (the secret goes to the secret store), and what rebuilding from Drive needs.
import type { z } from 'zod';
import type { DriveStatus } from '../../../shared/contract';

export const CLOUD_CONSOLE = 'https://console.cloud.google.com/apis/credentials';

export interface OwnClient {
  clientId: string;
  clientSecret: string;
}

/** The client ID and secret fields. */
export function ClientFields({ value, onChange }: { value: OwnClient; onChange(v: OwnClient): void }) {
  return (
    <div className="row">
      <div className="field">
        <label htmlFor="cid">Client ID</label>
        <input
          id="cid"
          value={value.clientId}
          onChange={(e) => onChange({ ...value, clientId: e.target.value.trim() })}
        />
      </div>
      <div className="field">
        <label htmlFor="csecret">Client secret</label>
        <input
          id="csecret"
          type="password"
          value={value.clientSecret}
          onChange={(e) => onChange({ ...value, clientSecret: e.target.value.trim() })}
        />
      </div>
    </div>
  );
}

/** How to make an OAuth client in Google Cloud, for a copy of Cairn built without one. */
export function ClientSteps() {
  return (
    <>
      <p>
        This copy of Cairn has no Google sign-in built in (release builds have one). Make your own, once, in a
        few minutes:
      </p>
      <ol>
        <li>
          Open the{' '}
          <a href={CLOUD_CONSOLE} target="_blank" rel="noreferrer noopener">
            Google Cloud console
          </a>
          , create a project and, under APIs &amp; Services, enable the Google Drive API.
        </li>
        <li>On the OAuth consent screen, choose External and add your Google account as a test user.</li>
        <li>Under Credentials, create an OAuth client ID of type Desktop app.</li>
        <li>Copy its client ID and client secret here, then connect.</li>
      </ol>
      <p className="muted">
        On the command line: <code>cairn drive connect --client-id ID --client-secret SECRET</code>
      </p>
    </>
  );
}

const SOURCE = {
  'built-in': 'built into this copy of Cairn',
  settings: 'your own',
  environment: 'your own, from CAIRN_GOOGLE_CLIENT_ID',
} as const;

/** Which client signs in, and what rebuilding from Drive on another computer needs. */
export function RebuildNote({ d }: { d: z.output<typeof DriveStatus> }) {
  return (
    <section className="card" aria-labelledby="rebuild-title">
      <h2 id="rebuild-title">Rebuilding from Drive</h2>
      <p>
        Google shows Cairn only the files made by the same OAuth client. To rebuild from Drive on another
        computer you need a copy of Cairn with the same client: a release build of Cairn, or your own client
        (keep its ID and secret with your Drive password).
      </p>
      {d.client && (
        <p className="muted">
          Cairn signs in as the OAuth client {d.client.id} ({SOURCE[d.client.source]}).
          {d.madeWithClient === d.client.id && ' Your backups on Drive were made with it.'}
        </p>
      )}
      {d.clientWarning && <p className="warning-box">{d.clientWarning}</p>}
    </section>
  );
}
