// What changed: a backup against the one before it (or any other), the added, changed and removed files
// with their counts and bytes, as a tree of folders (opened by address) filtered by kind and name.
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { ChangeKind } from '../../../shared/contract';
import { loadBackups } from '../bridge';
import { api } from '../client';
import { PlanPicker } from '../components/PlanPicker';
import { backupLabel, count, stampText } from '../format';
import { navigate, routeHash, type Route } from '../route';
import { appStore, useApp } from '../store/store';
import { useCall } from '../useCall';
import { ChangesList, tallyText } from './ChangesList';
import { ErrorLine } from '../components/ErrorLine';

type Kind = z.output<typeof ChangeKind>;
const PAGE = 200;

/** The Changes view of the address #/changes/PLAN/STAMP[/folder][?against=OLDER]. */
export function Changes() {
  const selectedPlan = useApp((s) => s.selectedPlan);
  const route = useApp((s) => s.route);
  const plan = route.plan ?? selectedPlan;
  if (!plan) return <p>No plan yet.</p>;
  return <ChangesOf key={plan} plan={plan} route={route} />;
}

/** Waits a moment after typing stops, so a name filter asks once, not once a key. */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

function ChangesOf({ plan, route }: { plan: string; route: Route }) {
  const backups = useApp((s) => s.backups[plan]);
  const version = useApp((s) => s.backupsVersion);
  useEffect(() => {
    void loadBackups(appStore, api(), plan);
  }, [plan, version]);
  const good = (backups ?? []).filter((b) => b.status !== 'failed');
  const stamp = route.stamp ?? good[0]?.stamp ?? null;
  const path = route.path ?? '';
  const [change, setChange] = useState<Kind | 'all'>('all');
  const [typed, setTyped] = useState('');
  const query = useSettled(typed.trim());
  const [paging, setPaging] = useState({ key: '', offset: 0 });
  const key = stamp && [plan, stamp, route.against ?? '', path, change, query].join('\n');
  const offset = paging.key === key ? paging.offset : 0;
  const r = useCall(key && `${key}\n${offset}`, () =>
    api().backupChanges({
      plan,
      stamp: stamp!,
      against: route.against,
      path,
      change: change === 'all' ? undefined : change,
      query: query || undefined,
      offset,
      limit: PAGE,
    }),
  );
  const go = (to: Partial<Route>) =>
    navigate({ view: 'changes', plan, stamp: stamp ?? undefined, against: route.against, ...to });
  const v = r.value;
  const crumbs = path ? path.split('/') : [];
  return (
    <>
      <h1>What changed</h1>
      <div className="row">
        <PlanPicker />
        <label>
          Backup
          <select value={stamp ?? ''} onChange={(e) => go({ stamp: e.target.value, against: undefined })}>
            {good.map((b) => (
              <option key={b.stamp} value={b.stamp}>
                {backupLabel(b, good)}
                {b.pinned ? ' · pinned' : ''}
                {b.note ? ` · ${b.note}` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Compared with
          <select
            value={route.against ?? ''}
            onChange={(e) => go({ against: e.target.value || undefined, path: path || undefined })}
          >
            <option value="">the backup before it</option>
            {good
              .filter((b) => b.stamp !== stamp)
              .map((b) => (
                <option key={b.stamp} value={b.stamp}>
                  {backupLabel(b, good)}
                </option>
              ))}
          </select>
        </label>
      </div>
      {!stamp ? (
        <p className="muted">This plan has no backup yet.</p>
      ) : (
        <>
          {v && (
            <p className="changes-summary" role="status" data-testid="changes-summary">
              {v.older
                ? `From ${stampText(v.older.stamp)} to ${stampText(v.newer.stamp)}: `
                : `${stampText(v.newer.stamp)} is the first backup of this plan: `}
              {(['added', 'changed', 'removed'] as const).map((k) => tallyText(k, v.summary[k])).join(' · ')}
            </p>
          )}
          <div className="row" role="search" aria-label="Filter changes">
            <label>
              Show
              <select value={change} onChange={(e) => setChange(e.target.value as Kind | 'all')}>
                <option value="all">every change</option>
                <option value="added">added</option>
                <option value="changed">changed</option>
                <option value="removed">removed</option>
              </select>
            </label>
            <label>
              Name contains
              <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="report" />
            </label>
            <a href={routeHash({ view: 'browse', plan, stamp, path })}>Browse this backup</a>
          </div>
          <nav aria-label="Folder" className="row crumbs">
            <a href={routeHash({ view: 'changes', plan, stamp, against: route.against })}>Every source</a>
            {crumbs.map((c, i) => (
              <span key={i}>
                {' / '}
                <a
                  href={routeHash({
                    ...route,
                    view: 'changes',
                    plan,
                    stamp,
                    path: crumbs.slice(0, i + 1).join('/'),
                  })}
                >
                  {c}
                </a>
              </span>
            ))}
          </nav>
          <ErrorLine text={r.error} />
          {!v || r.loading ? <p className="muted">Loading…</p> : null}
          {v && (
            <ChangesList
              plan={plan}
              newer={v.newer.stamp}
              older={v.older?.stamp ?? null}
              route={route}
              entries={v.entries}
              filtered={change !== 'all' || query !== ''}
            />
          )}
          {v && v.total > PAGE && (
            <div className="row">
              <button
                type="button"
                disabled={offset === 0}
                onClick={() => setPaging({ key: key!, offset: offset - PAGE })}
              >
                Previous
              </button>
              <span className="muted">
                {count(offset + 1)}–{count(offset + v.entries.length)} of {count(v.total)}
              </span>
              <button
                type="button"
                disabled={v.nextOffset === null}
                onClick={() => setPaging({ key: key!, offset: v.nextOffset ?? offset })}
              >
                Next
              </button>
            </div>
          )}
        </>
      )}
    </>
  );
}
