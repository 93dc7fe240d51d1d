// The database sources of one plan (issue 9): where each is, the size and time of its last dump, and its last
// test restore. They are added with the CLI (`cairn dbsource add`); this list only shows them.
import { useState } from 'react';
import type { z } from 'zod';
import type { DbSourceView } from '../../../shared/contract';
import { api } from '../client';
import { bytes, dateTime, when } from '../format';
import { useCall } from '../useCall';

type Source = z.output<typeof DbSourceView>;

/** "test restore passed on 2026-11-23 02:10", "test restore failed: <why> (…)", "never tested". */
export function restoreTestText(t: Source['lastRestoreTest']): string {
  if (!t) return 'never tested';
  return t.ok
    ? `test restore passed on ${dateTime(t.at)}`
    : `test restore failed: ${t.detail} (${dateTime(t.at)})`;
}

function DbSourceFacts({ s, now }: { s: Source; now: number }) {
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
    </li>
  );
}

/** Lists the plan's database sources, or says how to add one. */
export function PlanDatabases({ plan }: { plan: string }) {
  const list = useCall(`dbsources|${plan}`, () => api().dbSourceList({ plan }));
  const [now] = useState(() => Date.now());
  return (
    <section aria-labelledby="plan-databases">
      <h3 id="plan-databases">Databases</h3>
      {list.error ? (
        <p className="status-failed">{list.error}</p>
      ) : !list.value ? (
        <p className="muted">Loading…</p>
      ) : list.value.length === 0 ? (
        <p className="muted">
          This plan backs up no databases. Add a PostgreSQL or SQLite database with{' '}
          <code>cairn dbsource add {plan} --postgres URL</code> (or <code>--sqlite FILE</code>).
        </p>
      ) : (
        <ul aria-label={`Databases of ${plan}`}>
          {list.value.map((s) => (
            <DbSourceFacts key={s.id} s={s} now={now} />
          ))}
        </ul>
      )}
    </section>
  );
}
