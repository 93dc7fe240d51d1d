// One backup's details (#/history/PLAN/STAMP): figures, timings, the run's log, warnings, verify and Drive
// state, the folder on disk, and what can be done with it: verify now, pin or unpin, remove.
import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import type { VerifyReport } from '../../../shared/contract';
import { api, desktop } from '../client';
import { bytes, counted, dateTime, duration, readable, stampText } from '../format';
import { navigate } from '../route';
import type { ListedBackup } from '../store/backupsSlice';
import { appStore } from '../store/store';
import { useCall } from '../useCall';
import { Dialog } from '../components/Dialog';
import { RemoveBackupDialog } from './RemoveBackupDialog';
import { ErrorLine } from '../components/ErrorLine';

type VerifyResult = z.output<typeof VerifyReport>['results'][number];

/** A verify result in a sentence. */
export function verifySentence(r: VerifyResult): string {
  if (r.intact)
    return `Intact: ${counted(r.checkedFiles, 'file')} (${bytes(r.checkedBytes)}) read back and matched their checksums.`;
  const parts = [
    r.missing.length ? `${counted(r.missing.length, 'file')} missing` : null,
    r.changed.length ? `${counted(r.changed.length, 'file')} changed` : null,
    r.extra.length ? `${counted(r.extra.length, 'file')} not in the manifest` : null,
  ].filter(Boolean);
  const first = [...r.missing, ...r.changed, ...r.extra].slice(0, 3).join(', ');
  return `Damage found: ${parts.join(', ')} (${first}).`;
}

function driveWords(onDrive: boolean | null): string {
  if (onDrive === null) return 'This plan does not use Google Drive.';
  return onDrive ? 'On Google Drive.' : 'Not on Google Drive yet.';
}

/** The row's date button (focus goes back there), or the list when the backup is gone. */
function rowButton(stamp: string): HTMLElement | null {
  return (
    document.querySelector<HTMLElement>(`[data-stamp="${stamp}"] .hist-date`) ??
    document.querySelector<HTMLElement>('[role=list][aria-label=Backups]')
  );
}

/** The details panel of one backup or failed run; `listed` is its row in the plan's list (undefined: gone). */
export function HistoryDetails(o: { plan: string; stamp: string; listed: ListedBackup | undefined }) {
  const { plan, stamp, listed: b } = o;
  const box = useRef<HTMLDivElement>(null);
  const [removing, setRemoving] = useState(false);
  const close = () => navigate({ view: 'history', plan });
  useEffect(() => box.current?.querySelector<HTMLElement>('.dialog-close')?.focus(), []);
  const kept = b !== undefined && b.status !== 'failed';
  const detail = useCall(kept ? `${plan}/${stamp}` : null, () => api().backupGet({ plan, stamp }));
  const log = useCall(b ? `log/${b.id}` : null, () => api().activityList({ backupId: b!.id, limit: 100 }));
  return (
    <Dialog
      box={box}
      labelledBy="hist-details-title"
      onEscape={() => !removing && close()}
      fallback={() => rowButton(stamp)}
      className="hist-details"
    >
      <div className="hist-details-head">
        <h2 id="hist-details-title">
          {b?.status === 'failed' ? 'Failed run' : 'Backup'} of {stampText(stamp)}
        </h2>
        <button type="button" className="dialog-close" onClick={close}>
          Close
        </button>
      </div>
      {!b ? (
        <p role="alert" className="error">
          Plan {plan} has no backup {stampText(stamp)} (it may have been removed or pruned).
        </p>
      ) : (
        <>
          <Facts b={b} />
          {kept && (
            <Actions
              b={b}
              onRemove={() => setRemoving(true)}
              onChanged={() => {
                detail.reload();
                log.reload();
              }}
            />
          )}
          <ErrorLine text={detail.error} />
          {detail.value && <Folder path={detail.value.folder} />}
          <h3>Warnings and skipped files</h3>
          {b.warnings === 0 && b.skipped === 0 && !detail.value?.warnings.length ? (
            <p className="muted">None.</p>
          ) : (
            <>
              <p>
                {counted(b.warnings, 'warning')}, {counted(b.skipped, 'file')} skipped.
              </p>
              <ul className="hist-warnings">
                {(detail.value?.warnings ?? []).map((w, i) => (
                  <li key={i}>
                    <code>{w.path}</code>: {w.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>Log of this backup</h3>
          <ErrorLine text={log.error} />
          <ul className="hist-log" aria-label="Log of this backup">
            {(log.value?.entries ?? []).map((e) => (
              <li key={e.id} className={`level-${e.level}`}>
                <span className="muted">{dateTime(e.at)}</span> {readable(e.message)}
              </li>
            ))}
          </ul>
        </>
      )}
      {removing && b && <RemoveBackupDialog backup={b} onClose={() => setRemoving(false)} />}
    </Dialog>
  );
}

function Facts({ b }: { b: ListedBackup }) {
  return (
    <dl className="hist-facts">
      <dt>Status</dt>
      <dd className={`status-${b.status}`}>{b.error ? `${b.status}: ${b.error}` : b.status}</dd>
      <dt>Started</dt>
      <dd>{dateTime(b.startedAt)}</dd>
      <dt>Finished</dt>
      <dd>
        {dateTime(b.finishedAt)} (took {duration((b.finishedAt - b.startedAt) / 1000)})
      </dd>
      <dt>Files</dt>
      <dd>
        {counted(b.files, 'file')}, {bytes(b.bytes)}; {counted(b.newFiles, 'file')} new or changed (
        {bytes(b.newBytes)}), {counted(b.linkedFiles, 'file')} unchanged and linked
      </dd>
      <dt>Note</dt>
      <dd>{b.note ?? <span className="muted">none</span>}</dd>
      <dt>Pinned</dt>
      <dd>{b.pinned ? 'yes: retention never removes it' : 'no'}</dd>
      <dt>Verified</dt>
      <dd>{b.verifiedAt ? `${dateTime(b.verifiedAt)}: ${b.verifyResult ?? ''}` : 'never'}</dd>
      <dt>Google Drive</dt>
      <dd>{driveWords(b.onDrive)}</dd>
    </dl>
  );
}

function Folder({ path }: { path: string }) {
  const d = desktop();
  const [error, setError] = useState<string | null>(null);
  return (
    <p className="hist-folder">
      Folder on disk: <code className="selectable">{path}</code>{' '}
      {d && (
        <button
          type="button"
          onClick={() => void d.showPath({ path }).then((r) => setError(r.ok ? null : r.error.message))}
        >
          Open in file manager
        </button>
      )}
      {error && <span className="error"> {error}</span>}
    </p>
  );
}

/** Verify now, pin with a note or unpin, remove. */
function Actions(o: { b: ListedBackup; onRemove: () => void; onChanged: () => void }) {
  const { b } = o;
  const ref = { plan: b.planName, stamp: b.stamp };
  const [verify, setVerify] = useState<{ running: boolean; text: string | null; bad: boolean }>({
    running: false,
    text: null,
    bad: false,
  });
  const [pinning, setPinning] = useState(false);
  const [note, setNote] = useState(b.note ?? '');
  const [error, setError] = useState<string | null>(null);
  const changed = () => {
    appStore.getState().invalidateBackups();
    o.onChanged();
  };
  const runVerify = async () => {
    setVerify({ running: true, text: null, bad: false });
    const r = await api().verify(ref);
    const res = r.ok ? r.value.results[0] : undefined;
    if (!r.ok) setVerify({ running: false, text: r.error.message, bad: true });
    else if (res) setVerify({ running: false, text: verifySentence(res), bad: !res.intact });
    changed();
  };
  const pin = async (on: boolean) => {
    const r = on
      ? await api().backupPin({ ...ref, note: note.trim() || undefined })
      : await api().backupUnpin(ref);
    setError(r.ok ? null : r.error.message);
    setPinning(false);
    changed();
  };
  return (
    <div className="hist-actions-panel">
      <div className="row">
        <button type="button" onClick={() => void runVerify()} disabled={verify.running}>
          {verify.running ? 'Verifying…' : 'Verify now'}
        </button>
        {b.pinned ? (
          <button type="button" onClick={() => void pin(false)}>
            Unpin
          </button>
        ) : (
          <button type="button" onClick={() => setPinning(true)} aria-expanded={pinning}>
            Pin…
          </button>
        )}
        <button type="button" className="danger" onClick={o.onRemove}>
          Remove this backup…
        </button>
      </div>
      {verify.text && (
        <p role="status" className={verify.bad ? 'error' : 'ok'}>
          {verify.text}
        </p>
      )}
      {pinning && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void pin(true);
          }}
        >
          <label>
            Note
            <input
              value={note}
              maxLength={500}
              onChange={(e) => setNote(e.target.value)}
              placeholder="before the upgrade"
            />
          </label>
          <button type="submit">Pin</button>
          <button type="button" onClick={() => setPinning(false)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorLine text={error} />
    </div>
  );
}
