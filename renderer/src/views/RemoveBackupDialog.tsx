// "Remove this backup…": what removing frees (from the catalog) and what it would break, then a confirmation
// that names the date and the bytes. After removing, History lists the rest at #/history/PLAN.
import { useEffect, useRef, useState } from 'react';
import { api } from '../client';
import { bytes, counted, stampText } from '../format';
import { navigate } from '../route';
import type { ListedBackup } from '../store/backupsSlice';
import { appStore } from '../store/store';
import { useCall } from '../useCall';
import { Dialog } from '../components/Dialog';
import { ErrorLine } from '../components/ErrorLine';

/** The confirmation dialog for removing one backup. */
export function RemoveBackupDialog(o: { backup: ListedBackup; onClose: () => void }) {
  const { backup: b } = o;
  const ref = { plan: b.planName, stamp: b.stamp };
  const box = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const preview = useCall(`remove/${b.planName}/${b.stamp}`, () => api().backupRemovePreview(ref));
  const p = preview.value;
  const remove = async () => {
    setBusy(true);
    const r = await api().backupRemove({ ...ref, confirm: true });
    setBusy(false);
    if (!r.ok) return setError(r.error.message);
    appStore.getState().invalidateBackups();
    navigate({ view: 'history', plan: b.planName }, { replace: true });
  };
  const date = stampText(b.stamp); // to the second: several backups may fall in one minute
  return (
    <Dialog box={box} labelledBy="remove-title" onEscape={() => !busy && o.onClose()} testId="remove-dialog">
      <h2 id="remove-title">Remove the backup of {date}?</h2>
      {preview.loading && <p className="muted">Working out what it frees…</p>}
      <ErrorLine text={preview.error} />
      {p && (
        <>
          <p>
            Removing it frees {bytes(p.freedBytes)} ({counted(p.freedFiles, 'file')} that no other backup
            holds). The other backups stay as they are; files they share with it stay with them.
          </p>
          {p.refusals.map((t) => (
            <p key={t} role="alert" className="error">
              {t}
            </p>
          ))}
          <ul>
            {p.warnings.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        </>
      )}
      <ErrorLine text={error} />
      <div className="row">
        <button
          type="button"
          className="danger"
          disabled={!p || p.refusals.length > 0 || busy}
          onClick={() => void remove()}
        >
          {busy ? 'Removing…' : `Remove the backup of ${date} (${p ? bytes(p.freedBytes) : '…'})`}
        </button>
        <button type="button" onClick={o.onClose} disabled={busy} ref={cancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
