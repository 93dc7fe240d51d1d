// History: every backup of a plan with its figures, filtered, virtualized (thousands scroll smoothly). Rows
// grow with a long note or error (each row is measured); a row opens its details at #/history/PLAN/STAMP.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { loadBackups } from '../bridge';
import type { ListedBackup as ListedBackupRow } from '../store/backupsSlice';
import { api } from '../client';
import { PlanPicker } from '../components/PlanPicker';
import { backupLabel, bytes, count, counted, dateTime, stampText } from '../format';
import { navigate, routeHash } from '../route';
import { appStore, useApp } from '../store/store';
import { HistoryDetails } from './HistoryDetails';
import { ErrorLine } from '../components/ErrorLine';

type StatusFilter = 'all' | 'complete' | 'warnings' | 'failed';

/** Filters a list the way the History view does (exported for its test). */
export function filterBackups(
  list: ListedBackupRow[],
  f: { status: StatusFilter; pinnedOnly: boolean; text: string },
): ListedBackupRow[] {
  const t = f.text.trim().toLowerCase();
  return list.filter(
    (b) =>
      (f.status === 'all' || b.status === f.status) &&
      (!f.pinnedOnly || b.pinned) &&
      (!t || b.stamp.includes(t) || (b.note ?? '').toLowerCase().includes(t)),
  );
}

/** The backup an address names: the kept one of that stamp, else a failed run of it. */
export function backupAt(list: ListedBackupRow[] | undefined, stamp: string | undefined) {
  if (!list || !stamp) return undefined;
  return list.find((b) => b.stamp === stamp && b.status !== 'failed') ?? list.find((b) => b.stamp === stamp);
}

/** Pinned, verified, on Drive: a row's flags in words. */
function flags(b: ListedBackupRow): string {
  if (b.status === 'failed') return ''; // a failed run holds nothing to pin, verify or upload
  const parts = [b.pinned ? 'pinned' : null, b.verifiedAt ? 'verified' : 'not verified'];
  if (b.onDrive !== null) parts.push(b.onDrive ? 'on Drive' : 'not on Drive');
  return parts.filter(Boolean).join(' · ');
}

/** The list of backups, and the details of the one the address names. */
export function History() {
  const selectedPlan = useApp((s) => s.selectedPlan);
  const route = useApp((s) => s.route);
  const plan = route.plan ?? selectedPlan;
  const list = useApp((s) => (plan ? s.backups[plan] : undefined));
  const error = useApp((s) => s.backupsError);
  const version = useApp((s) => s.backupsVersion);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [text, setText] = useState('');
  useEffect(() => {
    if (plan) void loadBackups(appStore, api(), plan);
  }, [plan, version]);
  // The plan the address names is the plan picked (the picker and other views follow it).
  useEffect(() => {
    if (route.plan && route.plan !== appStore.getState().selectedPlan)
      appStore.getState().selectPlan(route.plan);
  }, [route.plan]);
  const rows = useMemo(
    () => filterBackups(list ?? [], { status, pinnedOnly, text }),
    [list, status, pinnedOnly, text],
  );
  const open = backupAt(list, route.stamp);
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 44,
    overscan: 10,
    getItemKey: (i) => rows[i]!.id,
  });
  return (
    <>
      <h1>History</h1>
      <div className="row" role="search" aria-label="Filter backups">
        <PlanPicker />
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="all">all</option>
            <option value="complete">complete</option>
            <option value="warnings">with warnings</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={pinnedOnly} onChange={(e) => setPinnedOnly(e.target.checked)} />
          pinned only
        </label>
        <label>
          Date or note
          <input value={text} onChange={(e) => setText(e.target.value)} placeholder="2026-11 or a note" />
        </label>
      </div>
      <ErrorLine text={error} />
      <p className="muted" role="status">
        {list ? `${count(rows.length)} of ${count(list.length)} backups` : 'Loading…'}
      </p>
      <div className="list-head hist-row hist-head" aria-hidden="true">
        <span>Date</span>
        <span>Status</span>
        <span>Files</span>
        <span>Size</span>
        <span>New</span>
        <span className="hist-note">Note</span>
        <span className="hist-flags">Pin, check, Drive</span>
      </div>
      <div ref={parent} className="list" role="list" aria-label="Backups" tabIndex={0}>
        <div className="list-inner" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((it) => {
            const b = rows[it.index]!;
            return (
              <div
                key={it.key}
                ref={v.measureElement}
                data-index={it.index}
                data-stamp={b.stamp}
                role="listitem"
                className={`list-row hist-row${open?.id === b.id ? ' hist-open' : ''}`}
                data-testid="backup-row"
                style={{ transform: `translateY(${it.start}px)` }}
              >
                <span>
                  <button
                    type="button"
                    className="link hist-date"
                    onClick={() => navigate({ view: 'history', plan: b.planName, stamp: b.stamp })}
                    title={`Details of the ${b.status === 'failed' ? 'failed run' : 'backup'} of ${dateTime(b.startedAt)}`}
                  >
                    {backupLabel(b, rows)}
                  </button>
                </span>
                <span className={`status-${b.status}`}>
                  {b.status === 'warnings' ? counted(b.warnings, 'warning') : b.status}
                </span>
                <span>{counted(b.files, 'file')}</span>
                <span>{bytes(b.bytes)}</span>
                <span>{bytes(b.newBytes)}</span>
                <span className={`hist-note ${b.error ? 'status-failed' : 'muted'}`}>
                  {b.error ?? b.note ?? ''}
                </span>
                <span className="hist-flags muted">{flags(b)}</span>
                <span className="hist-actions">
                  {b.status !== 'failed' && (
                    <>
                      <button
                        type="button"
                        className="link"
                        onClick={() => navigate({ view: 'browse', plan: b.planName, stamp: b.stamp })}
                        aria-label={`Browse the backup of ${stampText(b.stamp)}`}
                      >
                        Browse
                      </button>
                      <a
                        href={routeHash({ view: 'changes', plan: b.planName, stamp: b.stamp })}
                        aria-label={`What changed in the backup of ${stampText(b.stamp)}`}
                      >
                        What changed
                      </a>
                    </>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      {plan && route.stamp && (
        <HistoryDetails key={`${plan}/${route.stamp}`} plan={plan} stamp={route.stamp} listed={open} />
      )}
    </>
  );
}
