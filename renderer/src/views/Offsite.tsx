// Off-site copies (issue 18): Google Drive and every S3 bucket and rclone remote, each with its state, last
// push, bytes waiting and last error in words; Push now, Verify and Remove… as `cairn remote` does; a form
// that adds a remote; and below, Google Drive's own details (connection, quota, password).
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { RemoteView } from '../../../shared/contract';
import { api } from '../client';
import { ErrorLine } from '../components/ErrorLine';
import { bytes, dateTime, when } from '../format';
import { useApp } from '../store/store';
import { useCall } from '../useCall';
import { ConfirmRemove, Told } from '../components/formField';
import { Drive } from './Drive';
import { RemoteForm } from './RemoteForm';

type Remote = z.output<typeof RemoteView>;

const KIND: Record<Remote['kind'], string> = {
  drive: 'Google Drive',
  s3: 'S3',
  rclone: 'rclone',
};

const STATE: Record<Remote['state'], string> = {
  ok: 'Up to date',
  waiting: 'Waiting to go up',
  error: 'Push failed',
  never: 'Never pushed',
};

/** "Up to date", "Pushing…", "Push failed"... */
export function remoteStateText(r: Remote): string {
  return r.pushing ? 'Pushing…' : STATE[r.state];
}

const lastPush = (r: Remote) => Math.max(0, ...r.plans.map((p) => p.lastPushAt ?? 0));

function RemoteActions({ r, changed }: { r: Remote; changed(): void }) {
  const [busy, setBusy] = useState<'push' | 'verify' | 'remove' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [told, setTold] = useState<{ ok: boolean; text: string; push?: boolean } | null>(null);
  const run = async (what: 'push' | 'verify') => {
    setBusy(what);
    setTold(null);
    if (what === 'push') {
      const x = await api().remotePush({ name: r.name });
      setTold(
        !x.ok
          ? { ok: false, text: x.error.message }
          : x.value.started
            ? { ok: true, text: `Pushing ${x.value.plans.join(', ')}…`, push: true }
            : { ok: true, text: 'A push is already under way.' },
      );
    } else {
      const x = await api().remoteVerify({ name: r.name });
      setTold(
        !x.ok
          ? { ok: false, text: x.error.message }
          : {
              ok: x.value.plans.every((p) => p.intact),
              text: x.value.plans
                .map((p) =>
                  p.intact
                    ? `${p.plan}: intact (${p.backups} backups, ${p.packs} packs, ${p.sampled} read back).`
                    : `${p.plan}: ${p.problems.join('; ')}`,
                )
                .join(' '),
            },
      );
    }
    setBusy(null);
    changed();
  };
  const remove = async () => {
    setBusy('remove');
    const x = await api().remoteRemove({ name: r.name });
    setBusy(null);
    if (!x.ok) return setTold({ ok: false, text: x.error.message });
    changed();
  };
  return (
    <>
      {confirming ? (
        <ConfirmRemove
          name={r.name}
          busy={busy !== null}
          onRemove={() => void remove()}
          onKeep={() => setConfirming(false)}
        >
          Forget {r.name}? Cairn forgets what it knew of the copy there and its keys; nothing on the store is
          deleted.
        </ConfirmRemove>
      ) : (
        <div className="row">
          <button type="button" disabled={busy !== null || r.pushing} onClick={() => void run('push')}>
            Push now
          </button>
          <button type="button" disabled={busy !== null} onClick={() => void run('verify')}>
            {busy === 'verify' ? 'Verifying…' : 'Verify'}
          </button>
          {r.kind !== 'drive' && (
            <button type="button" onClick={() => setConfirming(true)} aria-label={`Remove ${r.name}…`}>
              Remove…
            </button>
          )}
        </div>
      )}
      {/* "Pushing…" is said while the push runs; then the remote's state and error say how it went. */}
      <Told told={told?.push && !r.pushing ? null : told} />
    </>
  );
}

function RemoteItem({ r, now, changed }: { r: Remote; now: number; changed(): void }) {
  const last = lastPush(r);
  const waiting = r.plans.reduce((n, p) => n + p.bytesWaiting, 0);
  return (
    <li className="card" data-testid="remote" aria-label={r.name}>
      <strong>{r.name}</strong> <span className="muted">({KIND[r.kind]})</span>{' '}
      {r.where !== KIND[r.kind] && <span className="path">{r.where}</span>}
      <dl className="facts">
        <dt>State</dt>
        <dd data-testid="remote-state" className={r.state === 'error' ? 'status-failed' : undefined}>
          {remoteStateText(r)}
        </dd>
        <dt>Plans</dt>
        <dd>{r.plans.length ? r.plans.map((p) => p.plan).join(', ') : 'none (only to import from)'}</dd>
        <dt>Last push</dt>
        <dd>{last ? when(last, now) : 'never'}</dd>
        <dt>Waiting to go up</dt>
        <dd>{bytes(waiting)}</dd>
        <dt>Credentials</dt>
        <dd>{r.credentials}</dd>
      </dl>
      {r.plans
        .filter((p) => p.error)
        .map((p) => (
          <p key={p.plan} className="error" role="alert">
            {p.plan}: {p.error!.message} ({when(p.error!.at, now)})
          </p>
        ))}
      {r.plans
        .filter((p) => p.resumesAt !== null)
        .map((p) => (
          <p key={p.plan} className="muted">
            {p.plan}: the push waits for the store&apos;s limit and goes on by itself about{' '}
            {dateTime(p.resumesAt!)}.
          </p>
        ))}
      <RemoteActions r={r} changed={changed} />
    </li>
  );
}

/** The remotes (Drive first), the form that adds one, and Drive's details. */
export function Offsite() {
  const list = useCall('remotes', () => api().remoteList({}));
  const plans = useApp((s) => s.plans);
  const [now, setNow] = useState(() => Date.now());
  const [adding, setAdding] = useState(false);
  const [told, setTold] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const { reload, value } = list;
  // While a push runs, the list is asked again every two seconds, so its state and figures follow.
  useEffect(() => {
    if (!value?.some((r) => r.pushing)) return;
    const t = setTimeout(() => {
      setNow(Date.now());
      reload();
    }, 2000);
    return () => clearTimeout(t);
  }, [reload, value]);
  const closeForm = () => {
    setAdding(false);
    requestAnimationFrame(() => addButton.current?.focus());
  };
  return (
    <>
      <h1>Off-site copies</h1>
      <p className="muted">
        Each plan can go to Google Drive and to any number of S3-compatible buckets and rclone remotes, each
        deduplicated and, with a password, encrypted. Restoring needs only the store and standard tools (see
        the README).
      </p>
      <ErrorLine text={list.error} />
      {list.value && (
        <ul className="remotes" aria-label="Remotes">
          {list.value.map((r) => (
            <RemoteItem key={r.name} r={r} now={now} changed={list.reload} />
          ))}
        </ul>
      )}
      {told && <p role="status">{told}</p>}
      {adding ? (
        <RemoteForm
          plans={(plans ?? []).map((p) => p.name)}
          onCancel={closeForm}
          onDone={(t) => {
            setTold(t);
            closeForm();
            list.reload();
          }}
        />
      ) : (
        <button type="button" ref={addButton} onClick={() => setAdding(true)}>
          Add a remote…
        </button>
      )}
      <Drive />
    </>
  );
}
