// History: every backup of a plan with its figures, filtered, virtualized (thousands scroll smoothly).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { loadBackups } from '../bridge';
import type { ListedBackup as ListedBackupRow } from '../store/backupsSlice';
import { api } from '../client';
import { PlanPicker } from '../components/PlanPicker';
import { bytes, count, counted, dateTime, stampText } from '../format';
import { navigate, routeHash } from '../route';
import { appStore, useApp } from '../store/store';

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

/** The list of backups. */
export function History() {
  const plan = useApp((s) => s.selectedPlan);
  const list = useApp((s) => (plan ? s.backups[plan] : undefined));
  const error = useApp((s) => s.backupsError);
  const version = useApp((s) => s.backupsVersion);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [pinnedOnly, setPinnedOnly] = useState(false);
  const [text, setText] = useState('');
  useEffect(() => {
    if (plan) void loadBackups(appStore, api(), plan);
  }, [plan, version]);
  const rows = useMemo(
    () => filterBackups(list ?? [], { status, pinnedOnly, text }),
    [list, status, pinnedOnly, text],
  );
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({
    count: rows.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 40,
    overscan: 10,
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="muted" role="status">
        {list ? `${count(rows.length)} of ${count(list.length)} backups` : 'Loading…'}
      </p>
      <div className="list-head hist-cols" aria-hidden="true">
        <span>Date</span>
        <span>Status</span>
        <span>Files</span>
        <span>Size</span>
        <span>New</span>
        <span>Note</span>
        <span>Pin, check, Drive</span>
      </div>
      <div ref={parent} className="list" role="list" aria-label="Backups" tabIndex={0}>
        <div className="list-inner" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((it) => {
            const b = rows[it.index]!;
            return (
              <div
                key={b.id}
                role="listitem"
                className="list-row hist-cols"
                data-testid="backup-row"
                style={{ top: it.start, height: it.size }}
              >
                <span>
                  {b.status === 'failed' ? (
                    stampText(b.stamp)
                  ) : (
                    <button
                      type="button"
                      className="link"
                      onClick={() => navigate({ view: 'browse', plan: b.planName, stamp: b.stamp })}
                      title={`Browse the backup of ${dateTime(b.startedAt)}`}
                    >
                      {stampText(b.stamp)}
                    </button>
                  )}
                </span>
                <span className={`status-${b.status}`} title={b.error ?? undefined}>
                  {b.status === 'warnings' ? `${b.warnings} warnings` : b.status}
                </span>
                <span>{counted(b.files, 'file')}</span>
                <span>{bytes(b.bytes)}</span>
                <span>{bytes(b.newBytes)}</span>
                <span className="muted">{b.error ?? b.note ?? ''}</span>
                <span>
                  {b.pinned ? 'pinned · ' : ''}
                  {b.verifiedAt ? 'verified' : 'not verified'}
                  {b.onDrive === null ? '' : b.onDrive ? ' · on Drive' : ' · not on Drive'}
                  {b.status !== 'failed' && (
                    <>
                      {' · '}
                      <a href={routeHash({ view: 'changes', plan: b.planName, stamp: b.stamp })}>
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
    </>
  );
}
