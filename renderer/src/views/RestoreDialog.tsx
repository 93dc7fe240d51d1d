// The restore dialog: where to (another folder, or the original place with its "before restore" safety
// copy), the dry run's summary, confirm, progress, the outcome, and "Undo this restore".
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import {
  SAFETY_PIN_DAYS,
  type RestoreInput,
  type RestoreSummary,
  type RestoreUndoReport,
} from '../../../shared/contract';
import { api, desktop } from '../client';
import { FolderField } from '../components/FolderField';
import { ProgressBar } from '../components/ProgressBar';
import { Dialog } from '../components/Dialog';
import { bytes, count, counted, dateTime, stampText } from '../format';
import { appStore, useApp } from '../store/store';
import { useCall } from '../useCall';
import { landings, openableFolders, type Landing } from './restoreLanding';
import { ErrorLine } from '../components/ErrorLine';

type Summary = z.output<typeof RestoreSummary>;
type Undone = z.output<typeof RestoreUndoReport>;
type Step = 'choose' | 'checked' | 'running' | 'done';

function SummaryText({ s }: { s: Summary }) {
  return (
    <ul data-testid="restore-summary">
      <li>
        {counted(s.files, 'file')}, {bytes(s.bytes)}
      </li>
      {s.dryRun ? (
        <>
          <li>{counted(s.overwritten, 'existing file')} would be replaced</li>
          {s.keptBoth > 0 && <li>{count(s.keptBoth)} would be kept beside the existing file (both kept)</li>}
          {s.skipped > 0 && <li>{count(s.skipped)} are already identical and would be skipped</li>}
        </>
      ) : (
        <>
          <li>
            {count(s.written)} written, {count(s.overwritten)} replaced, {count(s.keptBoth)} kept beside,{' '}
            {count(s.skipped)} already identical
          </li>
          <li>{count(s.verified)} checked against their SHA-256 as they were written</li>
        </>
      )}
      {s.keptFolders.length > 0 && (
        <li>{s.keptFolders.length} folders kept because they hold files no backup has</li>
      )}
      {s.failed.map((f) => (
        <li key={f.path} className="status-failed">
          {f.path}: {f.message}
        </li>
      ))}
    </ul>
  );
}

/** What an undo did: everything the restore changed is as before, or these paths were kept as they are now. */
function UndoneText({ u }: { u: Undone }) {
  const clean = u.kept.length === 0 && u.failed.length === 0;
  return (
    <div data-testid="undo-result">
      <p className={clean ? 'status-complete' : 'status-warnings'}>
        {clean
          ? `Undone: the ${counted(u.reverted, 'path')} this restore changed are as they were before it.`
          : `Partly undone: ${counted(u.reverted, 'path')} put back as before the restore, ${count(u.kept.length + u.failed.length)} left as ${u.kept.length + u.failed.length === 1 ? 'it is' : 'they are'}.`}
      </p>
      {u.kept.length > 0 && (
        <>
          <p>Kept as they are now (changed since the restore, so the undo left them):</p>
          <ul>
            {u.kept.map((k) => (
              <li key={k.path}>
                {k.path}: {k.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {u.failed.map((f) => (
        <p key={f.path} className="status-failed">
          {f.path}: {f.message}
        </p>
      ))}
      {u.released && (
        <p className="note">
          The &quot;before restore&quot; backup is no longer pinned: the retention rules decide about it.
        </p>
      )}
    </div>
  );
}

/** Where each selection lands: "label/sub → /target/label/sub". */
function LandingList({ items, done }: { items: Landing[]; done: boolean }) {
  if (items.length === 0) return null;
  return (
    <>
      <h3>{done ? 'Where the files are' : 'Where it lands'}</h3>
      <ul className="landing" data-testid="restore-landing">
        {items.slice(0, 20).map((l) => (
          <li key={l.from}>
            <span className="path">{l.from}</span> →{' '}
            {l.to ? <span className="path">{l.to}</span> : <span className="status-failed">{l.why}</span>}
          </li>
        ))}
        {items.length > 20 && <li className="muted">and {count(items.length - 20)} more, alike</li>}
      </ul>
    </>
  );
}

/** After a restore: "Open folder" in the app (the file manager); in a browser the path, to copy. */
function OpenFolders({ folders }: { folders: string[] }) {
  const d = desktop();
  const [message, setMessage] = useState<string | null>(null);
  if (!d)
    return (
      <p>
        Restored into{' '}
        {folders.map((f, i) => (
          <span key={f}>
            {i > 0 && ', '}
            <span className="path selectable">{f}</span>
          </span>
        ))}
      </p>
    );
  const show = async (path: string) => {
    const r = await d.showPath({ path });
    setMessage(r.ok ? r.value.message : r.error.message);
  };
  return (
    <div className="row">
      {folders.map((f) => (
        <button key={f} type="button" onClick={() => void show(f)}>
          Open folder{folders.length > 1 ? ` ${f}` : ''}
        </button>
      ))}
      {message && <span className="error">{message}</span>}
    </div>
  );
}

/** Restores `paths` of plan/stamp (all when empty). */
export function RestoreDialog(props: { plan: string; stamp: string; paths: string[]; onClose(): void }) {
  const [mode, setMode] = useState<'to' | 'in-place'>('to');
  const [dir, setDir] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [step, setStep] = useState<Step>('choose');
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [undone, setUndone] = useState<Undone | null>(null);
  const [undoing, setUndoing] = useState(false);
  // Only this restore's figures (another window may restore at the same time).
  const progress = useApp((s) =>
    s.restoreProgress?.planName === props.plan && s.restoreProgress.stamp === props.stamp
      ? s.restoreProgress
      : null,
  );
  // What the landing paths need: the plan's source folders, and the backup's top folders when all of it goes.
  const detail = useCall(`restore-detail|${props.plan}|${props.stamp}`, () =>
    api().backupGet({ plan: props.plan, stamp: props.stamp }),
  );
  const top = useCall(props.paths.length ? null : `restore-top|${props.plan}|${props.stamp}`, () =>
    api().folderList({ plan: props.plan, stamp: props.stamp, path: '' }),
  );
  const where = {
    mode,
    dir,
    paths: props.paths,
    tops: top.value?.entries.map((e) => e.path) ?? [],
    sources: detail.value?.sources ?? [],
  };
  // In place needs the plan's folders: nothing is said until they are known.
  const landed = mode === 'in-place' && !detail.value ? [] : landings(where);
  const first = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => first.current?.focus(), []);

  const input = (dryRun: boolean): z.input<typeof RestoreInput> => ({
    plan: props.plan,
    stamp: props.stamp,
    paths: props.paths,
    target: mode === 'to' ? { mode: 'to', dir } : { mode: 'in-place' },
    ...(mode === 'to' ? { overwrite } : {}),
    dryRun,
  });
  const check = async () => {
    setError(null);
    const r = await api().restore(input(true));
    if (!r.ok) return setError(r.error.message);
    setSummary(r.value);
    setStep('checked');
  };
  const run = async () => {
    setError(null);
    appStore.getState().applyRestoreProgress(null);
    setStep('running');
    const r = await api().restore(input(false));
    if (!r.ok) {
      setStep('checked');
      return setError(r.error.message);
    }
    setSummary(r.value);
    setStep('done');
    appStore.getState().invalidateBackups();
  };
  // One undo at a time: the button is disabled from the click on (and the service refuses a second one).
  const undo = async () => {
    const safety = summary?.safetyBackup;
    if (!safety || undoing) return;
    setError(null);
    setUndoing(true);
    const r = await api().restoreUndo({ plan: safety.planName, safetyStamp: safety.stamp });
    setUndoing(false);
    if (!r.ok) return setError(r.error.message);
    setUndone(r.value);
    appStore.getState().invalidateBackups();
  };
  const what =
    props.paths.length === 0
      ? 'the whole backup'
      : `${props.paths.length} selected item${props.paths.length === 1 ? '' : 's'}`;
  return (
    <Dialog
      box={box}
      labelledBy="restore-title"
      onEscape={() => step !== 'running' && !undoing && props.onClose()}
    >
      <h2 id="restore-title">
        Restore {what} from {stampText(props.stamp)}
      </h2>
      {step === 'choose' || step === 'checked' ? (
        <>
          <fieldset disabled={step === 'checked'}>
            <legend>Where to</legend>
            <label>
              <input
                ref={first}
                type="radio"
                name="mode"
                checked={mode === 'to'}
                onChange={() => setMode('to')}
              />
              Another folder
            </label>
            {mode === 'to' && (
              <>
                <FolderField label="Restore into" value={dir} onChange={setDir} purpose="restore-target" />
                <label>
                  <input
                    type="checkbox"
                    checked={overwrite}
                    onChange={(e) => setOverwrite(e.target.checked)}
                  />
                  Replace files that differ (otherwise both are kept)
                </label>
              </>
            )}
            <br />
            <label>
              <input
                type="radio"
                name="mode"
                checked={mode === 'in-place'}
                onChange={() => setMode('in-place')}
              />
              The original location
            </label>
            {mode === 'in-place' && (
              <p className="note">
                Before it replaces anything, Cairn makes a pinned &quot;before restore&quot; backup of what is
                there now. If the restore was a mistake, &quot;Undo this restore&quot; puts back the files it
                changed, except those changed again since. The backup stays pinned for {SAFETY_PIN_DAYS} days.
              </p>
            )}
          </fieldset>
          <LandingList items={landed} done={false} />
          {summary && step === 'checked' && (
            <>
              <h3>What would happen</h3>
              <SummaryText s={summary} />
            </>
          )}
        </>
      ) : step === 'running' ? (
        <div role="status">
          <p>Restoring…</p>
          <ProgressBar
            fraction={progress?.totalBytes ? progress.bytes / progress.totalBytes : null}
            label="Restore progress"
          />
          {progress && (
            <p className="muted">
              {count(progress.files)}
              {progress.totalFiles !== null ? ` of ${count(progress.totalFiles)}` : ''} files,{' '}
              {bytes(progress.bytes)}
            </p>
          )}
        </div>
      ) : (
        summary && (
          <div role="status">
            <p className={summary.failed.length ? 'status-failed' : 'status-complete'}>
              {summary.failed.length ? 'The restore did not complete.' : 'Restored.'}
            </p>
            <SummaryText s={summary} />
            <LandingList items={landed} done />
            {summary.written + summary.overwritten + summary.keptBoth > 0 && (
              <OpenFolders folders={openableFolders(where)} />
            )}
            {summary.safetyBackup && !undone && (
              <p className="note">
                What was there before is kept in the backup {stampText(summary.safetyBackup.stamp)}, pinned
                until {dateTime(summary.safetyBackup.pinnedUntil)} ({SAFETY_PIN_DAYS} days) or until you undo
                this restore; then the retention rules decide about it. An undo puts back only the files this
                restore changed, and keeps any you change meanwhile.
              </p>
            )}
            {undoing && (
              <p role="status" aria-busy="true">
                Undoing the restore…
              </p>
            )}
            {undone && <UndoneText u={undone} />}
          </div>
        )
      )}
      <ErrorLine text={error} />
      <div className="row">
        {step === 'choose' && (
          <button
            type="button"
            className="primary"
            onClick={() => void check()}
            disabled={mode === 'to' && !dir}
          >
            Check what would happen
          </button>
        )}
        {step === 'checked' && (
          <>
            <button type="button" className="primary" onClick={() => void run()}>
              Restore now
            </button>
            <button type="button" onClick={() => setStep('choose')}>
              Change
            </button>
          </>
        )}
        {step === 'done' && summary?.safetyBackup && (
          <button
            type="button"
            data-testid="undo-restore"
            onClick={() => void undo()}
            disabled={undoing || undone !== null}
          >
            {undoing ? 'Undoing…' : undone ? 'Restore undone' : 'Undo this restore'}
          </button>
        )}
        <button type="button" onClick={props.onClose} disabled={step === 'running' || undoing}>
          {step === 'done' ? 'Close' : 'Cancel'}
        </button>
      </div>
    </Dialog>
  );
}
