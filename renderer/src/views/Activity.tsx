// Activity: what Cairn did, newest first, filtered by plan, kind and level; a backup's skipped files on demand.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { ActivityEntry, ActivityKind, ActivityLevel, PathWarning } from '../../../shared/contract';
import { api } from '../client';
import { dateTime, readable } from '../format';
import { useApp } from '../store/store';
import { ErrorLine } from '../components/ErrorLine';

type Entry = z.output<typeof ActivityEntry>;
type Kind = z.output<typeof ActivityKind>;
type Level = z.output<typeof ActivityLevel>;
const KINDS: Kind[] = ['backup', 'restore', 'prune', 'verify', 'upload', 'settings', 'plan', 'import'];

function Warnings({ plan, backupId }: { plan: string; backupId: number }) {
  const [list, setList] = useState<z.output<typeof PathWarning>[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const show = async () => {
    // The log names the backup by id; the service finds backups by stamp.
    const all = await api().backupList({ plan, includeFailed: true, limit: 10_000 });
    if (!all.ok) return setError(all.error.message);
    const stamp = all.value.backups.find((b) => b.id === backupId)?.stamp;
    if (!stamp) return setError('This backup is no longer kept.');
    const r = await api().backupGet({ plan, stamp });
    if (r.ok) setList(r.value.warnings);
    else setError(r.error.message);
  };
  if (error) return <span className="error">{error}</span>;
  if (!list)
    return (
      <button type="button" className="link" onClick={() => void show()}>
        Show skipped files
      </button>
    );
  return (
    <ul>
      {list.map((w) => (
        <li key={w.path}>
          <span className="path">{w.path}</span>: {w.message}
        </li>
      ))}
    </ul>
  );
}

/** The Activity view. */
export function Activity() {
  const plans = useApp((s) => s.plans);
  const [plan, setPlan] = useState('');
  const [kind, setKind] = useState<Kind | ''>('');
  const [level, setLevel] = useState<Level | ''>('');
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (beforeId?: number) =>
    api()
      .activityList({
        ...(plan ? { plan } : {}),
        ...(kind ? { kind } : {}),
        ...(level ? { level } : {}),
        ...(beforeId !== undefined ? { beforeId } : {}),
        limit: 200,
      })
      .then((r) => {
        if (!r.ok) return setError(r.error.message);
        setError(null);
        setEntries((e) => (beforeId === undefined ? r.value.entries : [...e, ...r.value.entries]));
        setNext(r.value.nextBeforeId);
      });
  useEffect(() => {
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when a filter changes
  }, [plan, kind, level]);
  return (
    <>
      <h1>Activity</h1>
      <div className="row" role="search" aria-label="Filter activity">
        <label>
          Plan
          <select value={plan} onChange={(e) => setPlan(e.target.value)}>
            <option value="">all</option>
            {plans?.map((p) => (
              <option key={p.name}>{p.name}</option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind | '')}>
            <option value="">all</option>
            {KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value as Level | '')}>
            <option value="">all</option>
            <option value="warning">warnings</option>
            <option value="error">errors</option>
            <option value="info">information</option>
          </select>
        </label>
      </div>
      <ErrorLine text={error} />
      <table className="plain">
        <thead>
          <tr>
            <th>When</th>
            <th>Plan</th>
            <th>What</th>
            <th>By</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} className={`level-${e.level}`} data-testid="activity-row">
              <td>{dateTime(e.at)}</td>
              <td>{e.planName ?? ''}</td>
              <td>
                {e.kind}
                {e.level !== 'info' ? ` (${e.level})` : ''}
              </td>
              <td>{e.actor}</td>
              <td>
                {readable(e.message)}
                {e.kind === 'backup' && e.level === 'warning' && e.planName && e.backupId !== null && (
                  <Warnings plan={e.planName} backupId={e.backupId} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && !error && <p className="muted">Nothing here yet.</p>}
      {next !== null && (
        <button type="button" onClick={() => void load(next)}>
          Older entries
        </button>
      )}
    </>
  );
}
