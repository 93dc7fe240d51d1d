// Browse and restore: open a backup, walk its folders (virtualized, paged from the catalog), search a name
// across every backup and see its versions, select files and folders, restore them with the dialog.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { loadBackups } from '../bridge';
import { api } from '../client';
import { PlanPicker } from '../components/PlanPicker';
import { backupLabel, bytes, count, counted, dateTime, stampText } from '../format';
import { navigate, routeHash } from '../route';
import { appStore, useApp } from '../store/store';
import { useFolder } from '../useFolder';
import { RestoreDialog } from './RestoreDialog';
import { SearchPanel } from './SearchPanel';
import { ErrorLine } from '../components/ErrorLine';

/** The Browse and restore view: the backup History opened, or the newest of the chosen plan. */
export function Browse() {
  const selectedPlan = useApp((s) => s.selectedPlan);
  const route = useApp((s) => s.route);
  const plan = route.plan ?? selectedPlan;
  if (!plan) return <p>No plan yet.</p>;
  return (
    <BrowsePlan
      key={plan}
      plan={plan}
      stamp={route.stamp ?? null}
      path={route.view === 'browse' ? (route.path ?? '') : ''}
    />
  );
}

function BrowsePlan(o: { plan: string; stamp: string | null; path: string }) {
  const { plan, path } = o;
  const backups = useApp((s) => s.backups[plan]);
  const good = (backups ?? []).filter((b) => b.status !== 'failed');
  // The selection belongs to one backup: another backup starts with none.
  const [selection, setSelection] = useState<{ stamp: string | null; paths: Set<string> }>({
    stamp: null,
    paths: new Set(),
  });
  const [restoring, setRestoring] = useState(false);
  useEffect(() => {
    if (!backups) void loadBackups(appStore, api(), plan);
  }, [plan, backups]);
  // The latest regular backup, not the safety copy a restore in place just made.
  const shownStamp = o.stamp ?? (good.find((b) => !b.safety) ?? good[0])?.stamp ?? null;
  const selected = selection.stamp === shownStamp ? selection.paths : new Set<string>();
  const setSelected = (f: (s: Set<string>) => Set<string>) =>
    setSelection((s) => ({ stamp: shownStamp, paths: f(s.stamp === shownStamp ? s.paths : new Set()) }));
  const folder = useFolder(plan, shownStamp, path);
  const parent = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({
    count: folder.entries.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 34,
    overscan: 20,
  });
  const items = v.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (last && last.index >= folder.entries.length - 50) folder.more();
  }, [last, folder]);

  const open = (p: string) => {
    if (shownStamp) navigate({ view: 'browse', plan, stamp: shownStamp, path: p });
    if (parent.current) parent.current.scrollTop = 0;
  };
  const toggle = (p: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(p)) n.delete(p);
      else n.add(p);
      return n;
    });
  const crumbs = path ? path.split('/') : [];
  return (
    <>
      <h1>Browse and restore</h1>
      <div className="row">
        <PlanPicker />
        <span className="picker">
          <label htmlFor="browse-backup">Backup</label>
          <select
            id="browse-backup"
            value={shownStamp ?? ''}
            onChange={(e) => navigate({ view: 'browse', plan, stamp: e.target.value })}
          >
            {good.map((b) => (
              <option key={b.stamp} value={b.stamp}>
                {backupLabel(b, good)} · {counted(b.files, 'file')}
                {b.pinned ? ' · pinned' : ''}
                {b.note ? ` · ${b.note}` : ''}
              </option>
            ))}
          </select>
        </span>
        {shownStamp && <a href={routeHash({ view: 'changes', plan, stamp: shownStamp })}>What changed</a>}
      </div>
      <SearchPanel
        plan={plan}
        onPick={(st, p) => {
          navigate({ view: 'browse', plan, stamp: st, path: p.split('/').slice(0, -1).join('/') });
          setSelection({ stamp: st, paths: new Set([p]) });
        }}
      />
      {!shownStamp ? (
        <p className="muted">This plan has no backup to browse yet.</p>
      ) : (
        <>
          <nav aria-label="Folder" className="row crumbs">
            <button type="button" className="link" onClick={() => open('')}>
              {stampText(shownStamp)}
            </button>
            {crumbs.map((c, i) => (
              <span key={i}>
                {' / '}
                <button type="button" className="link" onClick={() => open(crumbs.slice(0, i + 1).join('/'))}>
                  {c}
                </button>
              </span>
            ))}
          </nav>
          <ErrorLine text={folder.error} />
          <p className="muted" role="status">
            {folder.total === null ? 'Loading…' : counted(folder.total, 'entry', 'entries')}
            {selected.size > 0 ? ` · ${count(selected.size)} selected` : ''}
          </p>
          <div ref={parent} className="list" role="list" aria-label="Folder content" tabIndex={0}>
            <div className="list-inner" style={{ height: v.getTotalSize() }}>
              {items.map((it) => {
                const e = folder.entries[it.index]!;
                return (
                  <div
                    key={e.path}
                    role="listitem"
                    className="list-row entry-cols"
                    style={{ top: it.start, height: it.size }}
                  >
                    <input
                      type="checkbox"
                      aria-label={`Select ${e.display}`}
                      checked={selected.has(e.path)}
                      onChange={() => toggle(e.path)}
                    />
                    {e.kind === 'dir' ? (
                      <button type="button" className="link" onClick={() => open(e.path)}>
                        {e.display}/
                      </button>
                    ) : (
                      <span>
                        <button
                          type="button"
                          className="link"
                          title="See every version of this file"
                          onClick={() => navigate({ view: 'file', plan, stamp: shownStamp, path: e.path })}
                        >
                          {e.display}
                        </button>
                        {e.kind === 'symlink' ? ` → ${e.displayTarget ?? ''}` : ''}
                      </span>
                    )}
                    <span>{e.kind === 'file' ? bytes(e.size) : e.kind === 'dir' ? 'folder' : 'link'}</span>
                    <span className="muted">{dateTime(e.mtimeMs)}</span>
                  </div>
                );
              })}
            </div>
          </div>
          <div className="row">
            <button
              type="button"
              className="primary"
              disabled={selected.size === 0}
              onClick={() => setRestoring(true)}
            >
              Restore {selected.size > 0 ? `${selected.size} selected` : 'selected'}…
            </button>
            {selected.size > 0 ? (
              <button type="button" onClick={() => setSelected(() => new Set())}>
                Clear selection
              </button>
            ) : (
              <button type="button" onClick={() => setRestoring(true)}>
                Restore the whole backup…
              </button>
            )}
          </div>
          {restoring && (
            <RestoreDialog
              plan={plan}
              stamp={shownStamp}
              paths={[...selected]}
              onClose={() => setRestoring(false)}
            />
          )}
        </>
      )}
    </>
  );
}
