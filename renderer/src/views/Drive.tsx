// Google Drive: connection and account, quota, per plan last push and pending bytes, the folder link, the
// last error with what to do, and the encryption password (which cannot be recovered if lost).
import { useState } from 'react';
import { api } from '../client';
import { ProgressBar } from '../components/ProgressBar';
import { bytes, count, when } from '../format';
import { useCall } from '../useCall';
import { ClientFields, ClientSteps, RebuildNote, type OwnClient } from './DriveClient';
import { ErrorLine } from '../components/ErrorLine';

function PasswordSetup({ onDone }: { onDone(): void }) {
  const [pw, setPw] = useState('');
  const [again, setAgain] = useState('');
  const [understood, setUnderstood] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const save = async () => {
    const r = await api().driveSetPassword({ password: pw });
    setMsg(r.ok ? 'The password is set: new uploads are encrypted.' : r.error.message);
    if (r.ok) onDone();
  };
  return (
    <section aria-labelledby="pw-title" className="card">
      <h2 id="pw-title">Encryption password</h2>
      <p className="warning-box" role="note">
        Cairn encrypts what it sends off-site (to Drive and to every other remote) with this password. Nobody,
        not even Cairn&apos;s authors, can recover it: if you lose it, the copies cannot be read. Write it
        down and keep it somewhere safe.
      </p>
      <div className="field">
        <label htmlFor="pw">Password (at least 12 characters)</label>
        <input
          id="pw"
          type="password"
          autoComplete="new-password"
          value={pw}
          onChange={(e) => setPw(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="pw2">The same password again</label>
        <input
          id="pw2"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
        />
      </div>
      {again && pw !== again && <p className="status-failed">The two passwords differ.</p>}
      <label>
        <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} />I
        wrote it down; I understand a lost password cannot be recovered
      </label>
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={pw.length < 12 || pw !== again || !understood}
          onClick={() => void save()}
        >
          Set password
        </button>
      </div>
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}

/** Google Drive's part of the off-site view: connection, quota, plans on Drive, encryption password. */
export function Drive() {
  const st = useCall('drive', () => api().driveStatus({}));
  const [own, setOwn] = useState<OwnClient>({ clientId: '', clientSecret: '' });
  const [authUrl, setAuthUrl] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [now] = useState(() => Date.now());
  const connect = async () => {
    setMsg(null);
    const r = await api().driveConnect(own.clientId || own.clientSecret ? own : {});
    if (!r.ok) return setMsg(r.error.message);
    if (r.value.state === 'needs-consent') setAuthUrl(r.value.authUrl);
    else st.reload();
  };
  const disconnect = async () => {
    const r = await api().driveDisconnect({});
    setMsg(r.ok ? 'Disconnected.' : r.error.message);
    st.reload();
  };
  const push = async () => {
    const r = await api().drivePush({});
    setMsg(
      r.ok
        ? r.value.started
          ? `Uploading: ${r.value.plans.join(', ')}.`
          : 'Nothing to upload.'
        : r.error.message,
    );
  };
  const d = st.value;
  // A status from before the client was reported says only whether one is set.
  const hasClient = d ? (d.client === undefined ? d.configured : d.client !== null) : false;
  return (
    <section aria-labelledby="drive-title">
      <h2 id="drive-title">Google Drive</h2>
      <ErrorLine text={st.error} />
      {d && (
        <>
          <section className="card" aria-label="Connection">
            <p>
              {d.connected
                ? `Connected as ${d.account ?? 'an account Google did not name'}.`
                : 'Not connected.'}{' '}
              {d.encrypted ? 'Uploads are encrypted.' : 'No encryption password is set.'}
            </p>
            {d.quota && (
              <>
                <ProgressBar
                  fraction={d.quota.limit ? d.quota.used / d.quota.limit : null}
                  label="Drive space used"
                />
                <p className="muted">
                  {bytes(d.quota.used)} used{d.quota.limit ? ` of ${bytes(d.quota.limit)}` : ' (no limit)'}
                </p>
              </>
            )}
            {d.folderUrl && (
              <p>
                <a href={d.folderUrl} target="_blank" rel="noreferrer noopener">
                  Open the Cairn folder on Drive
                </a>
              </p>
            )}
            {d.lastError && (
              <p role="alert" className="error">
                {d.lastError.message} ({when(d.lastError.at, now)})
              </p>
            )}
            {d.connected ? (
              <div className="row">
                <button type="button" onClick={() => void push()}>
                  Upload now
                </button>
                <button type="button" className="danger" onClick={() => void disconnect()}>
                  Disconnect
                </button>
              </div>
            ) : (
              <>
                {hasClient ? (
                  <details>
                    <summary>
                      {d.client?.source === 'built-in'
                        ? 'Use your own OAuth client instead'
                        : 'Use another OAuth client'}
                    </summary>
                    <ClientFields value={own} onChange={setOwn} />
                  </details>
                ) : (
                  <>
                    <ClientSteps />
                    <ClientFields value={own} onChange={setOwn} />
                  </>
                )}
                <button
                  type="button"
                  className="primary"
                  onClick={() => void connect()}
                  disabled={!hasClient && (!own.clientId || !own.clientSecret)}
                >
                  Connect Google Drive
                </button>
                {authUrl && (
                  <p>
                    <a href={authUrl} target="_blank" rel="noreferrer noopener">
                      Open Google&apos;s consent page
                    </a>{' '}
                    and allow Cairn; this page updates when you come back.{' '}
                    <button type="button" onClick={st.reload}>
                      Check again
                    </button>
                  </p>
                )}
              </>
            )}
            {msg && <p role="status">{msg}</p>}
          </section>
          {d.plans.length > 0 && (
            <table className="plain">
              <caption>Plans copied to Drive</caption>
              <thead>
                <tr>
                  <th>Plan</th>
                  <th>Backups on Drive</th>
                  <th>Last upload</th>
                  <th>Waiting to upload</th>
                </tr>
              </thead>
              <tbody>
                {d.plans.map((p) => (
                  <tr key={p.planName}>
                    <td>{p.planName}</td>
                    <td>{count(p.backupsOnDrive)}</td>
                    <td>{p.lastPushAt ? when(p.lastPushAt, now) : 'never'}</td>
                    <td>
                      {p.pendingBytes === null ? 'not known yet' : bytes(p.pendingBytes)}
                      {p.waiting && <span className="muted"> · {p.waiting}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!d.encrypted && <PasswordSetup onDone={st.reload} />}
          <RebuildNote d={d} />
        </>
      )}
    </section>
  );
}
