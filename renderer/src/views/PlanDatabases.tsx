// The database sources of one plan (issue 9): where each is, the size and time of its last dump, and its last
// test restore; added, test-restored and removed here as with `cairn dbsource add/test/remove` (issue 17).
import { useRef, useState, type ReactNode } from 'react';
import type { z } from 'zod';
import type { DbSourceView } from '../../../shared/contract';
import { api } from '../client';
import { bytes, dateTime, when } from '../format';
import { useCall } from '../useCall';
import { ConfirmRemove, Told } from '../components/formField';
import { DbSourceForm } from './DbSourceForm';

type Source = z.output<typeof DbSourceView>;

/** "test restore passed on 2026-11-23 02:10", "test restore failed: <why> (…)", "never tested". */
export function restoreTestText(t: Source['lastRestoreTest']): string {
  if (!t) return 'never tested';
  return t.ok
    ? `test restore passed on ${dateTime(t.at)}`
    : `test restore failed: ${t.detail} (${dateTime(t.at)})`;
}

function DbSourceFacts({ s, now, children }: { s: Source; now: number; children?: ReactNode }) {
  const good = s.lastGoodDump;
  const last = s.lastDump;
  return (
    <li>
      <strong>{s.label}</strong>{' '}
      <span className="muted">({s.kind === 'postgres' ? 'PostgreSQL' : 'SQLite'})</span>{' '}
      <span className="path">{s.location}</span>
      <dl className="facts">
        <dt>Size</dt>
        <dd>{good ? (good.bytes === null ? 'unknown' : bytes(good.bytes)) : 'no good dump yet'}</dd>
        <dt>Last dumped</dt>
        {!last ? (
          <dd>never; the next backup dumps it</dd>
        ) : last.ok ? (
          <dd>{when(last.at, now)}</dd>
        ) : (
          <dd className="status-failed">
            failed {when(last.at, now)}
            {last.message ? `: ${last.message}` : ''}
            {good ? `; last good dump ${when(good.at, now)}` : ''}
          </dd>
        )}
        <dt>Test restore</dt>
        <dd
          className={
            s.lastRestoreTest ? (s.lastRestoreTest.ok ? 'status-complete' : 'status-failed') : 'muted'
          }
        >
          {restoreTestText(s.lastRestoreTest)}
        </dd>
      </dl>
      {children}
    </li>
  );
}

/** "Test restore now" and "Remove…" (confirmed) of one source; the list reloads after either. */
function DbSourceActions({ plan, s, changed }: { plan: string; s: Source; changed(): void }) {
  const [busy, setBusy] = useState<'test' | 'remove' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [told, setTold] = useState<{ ok: boolean; text: string } | null>(null);
  const test = async () => {
    setBusy('test');
    setTold(null);
    const r = await api().dbSourceTest({ plan, label: s.label });
    setBusy(null);
    const one = r.ok ? r.value.results[0] : null;
    setTold(
      !r.ok
        ? { ok: false, text: r.error.message }
        : one!.ok
          ? { ok: true, text: `Test restore passed: ${one!.detail}.` }
          : { ok: false, text: `Test restore failed: ${one!.detail}.` },
    );
    changed();
  };
  const remove = async () => {
    setBusy('remove');
    const r = await api().dbSourceRemove({ plan, label: s.label });
    setBusy(null);
    if (!r.ok) return setTold({ ok: false, text: r.error.message });
    changed();
  };
  return (
    <div className="db-actions">
      {confirming ? (
        <ConfirmRemove
          name={s.label}
          busy={busy !== null}
          onRemove={() => void remove()}
          onKeep={() => setConfirming(false)}
        >
          Stop dumping {s.label}? Its dumps stay in the backups made so far.
        </ConfirmRemove>
      ) : (
        <div className="row">
          <button type="button" disabled={busy !== null} onClick={() => void test()}>
            {busy === 'test' ? 'Testing…' : 'Test restore now'}
          </button>
          <button type="button" onClick={() => setConfirming(true)} aria-label={`Remove ${s.label}…`}>
            Remove…
          </button>
        </div>
      )}
      <Told told={told} />
    </div>
  );
}

/** Lists the plan's database sources with their actions, and the form that adds one. */
export function PlanDatabases({ plan }: { plan: string }) {
  const list = useCall(`dbsources|${plan}`, () => api().dbSourceList({ plan }));
  const [now] = useState(() => Date.now());
  const [adding, setAdding] = useState(false);
  const [told, setTold] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const closeForm = () => {
    setAdding(false);
    // Focus goes back to the button that opened the form once it is drawn again.
    requestAnimationFrame(() => addButton.current?.focus());
  };
  return (
    <section aria-labelledby="plan-databases">
      <h3 id="plan-databases">Databases</h3>
      {list.error ? (
        <p className="status-failed">{list.error}</p>
      ) : !list.value ? (
        <p className="muted">Loading…</p>
      ) : list.value.length === 0 ? (
        <p className="muted">
          This plan backs up no databases. A PostgreSQL database is dumped with pg_dump before each backup, a
          SQLite file copied with SQLite&apos;s backup API, so the copy is consistent.
        </p>
      ) : (
        <ul aria-label={`Databases of ${plan}`}>
          {list.value.map((s) => (
            <DbSourceFacts key={s.id} s={s} now={now}>
              <DbSourceActions plan={plan} s={s} changed={list.reload} />
            </DbSourceFacts>
          ))}
        </ul>
      )}
      {told && (
        <p role="status" className="note">
          {told}
        </p>
      )}
      {adding ? (
        <DbSourceForm
          plan={plan}
          onDone={(t) => {
            setTold(t);
            closeForm();
            list.reload();
          }}
          onCancel={closeForm}
        />
      ) : (
        <button
          ref={addButton}
          type="button"
          onClick={() => {
            setTold(null);
            setAdding(true);
          }}
        >
          Add a database…
        </button>
      )}
    </section>
  );
}
