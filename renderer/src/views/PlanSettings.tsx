// One plan's settings: sources (picker in the app, path fields headless), excludes with a preview of what
// they leave out and the size to back up, its databases, the schedule (presets or cron, with the next runs),
// when to warn that no backup was made, the destination.
import { useState } from 'react';
import type { z } from 'zod';
import type { SourcePreview } from '../../../shared/contract';
import { loadSnapshot } from '../bridge';
import { api } from '../client';
import { FolderField } from '../components/FolderField';
import { SchedulePicker } from '../components/SchedulePicker';
import { PlanDatabases } from './PlanDatabases';
import { bytes, counted } from '../format';
import type { PlanValue } from '../store/plansSlice';
import { appStore } from '../store/store';

/** "48" as a whole number of hours from 1 up, else null. */
function staleHoursOf(text: string): number | null {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= 8760 ? n : null;
}

/**
 * Edits `plan` (keyed by its name: saving does not redraw the form, so "Saved." and the preview stay until
 * the next edit); saving calls planUpdate and refreshes the snapshot.
 */
export function PlanSettings({ plan }: { plan: PlanValue }) {
  const [sources, setSourcesNow] = useState(plan.sources.map((s) => s.path));
  const [excludes, setExcludesNow] = useState(plan.excludes.join('\n'));
  const [schedule, setScheduleNow] = useState(plan.schedule);
  const [stale, setStaleNow] = useState(String(plan.staleHours));
  const [dest, setDestNow] = useState(plan.dest);
  const [preview, setPreview] = useState<z.output<typeof SourcePreview> | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState(false);
  // Any edit takes the last "Saved." away: it no longer describes the form.
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setMsg(null);
      set(v);
    };
  const setSources = edit(setSourcesNow);
  const setExcludes = edit(setExcludesNow);
  const setSchedule = edit(setScheduleNow);
  const setStale = edit(setStaleNow);
  const setDest = edit(setDestNow);
  const staleHours = staleHoursOf(stale);
  const excludeList = excludes
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const cleanSources = sources.map((s) => s.trim()).filter(Boolean);
  const runPreview = async () => {
    setBusy(true);
    const r = await api().sourcePreview({
      sources: cleanSources,
      excludes: excludeList,
      listLimit: 50,
      timeLimitMs: 5000,
    });
    setBusy(false);
    if (r.ok) setPreview(r.value);
    else setMsg(r.error.message);
  };
  const save = async () => {
    setMsg(null);
    if (staleHours === null) return setMsg('Give the hours without a backup as a whole number from 1.');
    const r = await api().planUpdate({
      plan: plan.name,
      patch: { sources: cleanSources, excludes: excludeList, schedule, dest, staleHours },
    });
    setMsg(r.ok ? `Saved plan ${plan.name}.` : r.error.message);
    if (r.ok) await loadSnapshot(appStore, api());
  };
  const remove = async () => {
    const r = await api().planRemove({ plan: plan.name });
    setRemoving(false);
    setMsg(r.ok ? `Removed; its backups stay in ${r.value.backupsKeptIn}.` : r.error.message);
    if (r.ok) await loadSnapshot(appStore, api());
  };
  return (
    <section className="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan {plan.name}</h2>
      <h3>Folders to back up</h3>
      {sources.map((s, i) => (
        <div key={i} className="row">
          <FolderField
            label={`Folder ${i + 1}`}
            value={s}
            purpose="source"
            onChange={(v) => setSources((l) => l.map((x, j) => (j === i ? v : x)))}
          />
          {sources.length > 1 && (
            <button type="button" onClick={() => setSources((l) => l.filter((_, j) => j !== i))}>
              Remove folder {i + 1}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => setSources((l) => [...l, ''])}>
        Add a folder
      </button>
      <div className="field">
        <label htmlFor="excludes">Leave out (one pattern a line, like .gitignore)</label>
        <textarea id="excludes" rows={5} value={excludes} onChange={(e) => setExcludes(e.target.value)} />
      </div>
      <button type="button" onClick={() => void runPreview()} disabled={busy || cleanSources.length === 0}>
        {busy ? 'Measuring…' : 'Preview what is backed up'}
      </button>
      {preview && (
        <div className="note" role="status">
          <p>
            {preview.complete ? '' : 'At least '}
            {counted(preview.files, 'file')}, {bytes(preview.bytes)} to back up;{' '}
            {counted(preview.excludedFiles, 'file')} ({bytes(preview.excludedBytes)}) left out.
          </p>
          <ul>
            {preview.excluded.map((x) => (
              <li key={x.path}>
                <span className="path">{x.path}</span>{' '}
                {x.isDir ? `(folder, ${counted(x.files, 'file')})` : ''} {bytes(x.bytes)}
                {x.pattern ? ` by ${x.pattern}` : ''}
              </li>
            ))}
          </ul>
          {preview.unreadable.map((u) => (
            <p key={u.path} className="status-warnings">
              {u.path}: {u.message}
            </p>
          ))}
        </div>
      )}
      <PlanDatabases plan={plan.name} />
      <SchedulePicker value={schedule} onChange={setSchedule} />
      <div className="field">
        <label htmlFor="stale-hours">
          Warn when no backup was made for{' '}
          <input
            id="stale-hours"
            type="number"
            className="narrow"
            min={1}
            value={stale}
            aria-invalid={staleHours === null}
            aria-describedby="stale-hint"
            onChange={(e) => setStale(e.target.value)}
          />{' '}
          hours
        </label>
        <small id="stale-hint" className={staleHours === null ? 'status-failed' : 'muted'}>
          {staleHours === null
            ? 'Use a whole number of hours from 1.'
            : `The Overview, the tray and notifications say so when the last good backup is older than ${counted(staleHours, 'hour')}.`}
        </small>
      </div>
      <FolderField label="Where the backups go" value={dest} onChange={setDest} purpose="destination" />
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()}>
          Save plan
        </button>
        {removing ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()}>
              Remove plan {plan.name}
            </button>
            <button type="button" onClick={() => setRemoving(false)}>
              Keep it
            </button>
            <span className="muted">Its backups stay on the disk; Cairn stops making new ones.</span>
          </>
        ) : (
          <button type="button" onClick={() => setRemoving(true)}>
            Remove plan…
          </button>
        )}
        {msg && <span role="status">{msg}</span>}
      </div>
    </section>
  );
}
