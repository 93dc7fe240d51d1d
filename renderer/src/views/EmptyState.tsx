// First run: three fields and one button take a new user to a first backup.
import { useState, type FormEvent } from 'react';
import { loadSnapshot } from '../bridge';
import { api } from '../client';
import { FolderField } from '../components/FolderField';
import { appStore } from '../store/store';
import { ErrorLine } from '../components/ErrorLine';

/** Shown while there is no plan. */
export function EmptyState() {
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [dest, setDest] = useState('');
  const [backUpNow, setBackUpNow] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api().planCreate({ name, sources: [source], dest });
    if (!r.ok) {
      setBusy(false);
      return setError(r.error.message);
    }
    if (backUpNow) {
      const run = await api().runNow({ plan: r.value.name });
      if (!run.ok) setError(run.error.message);
      else appStore.getState().applyRunProgress(run.value.run);
    }
    await loadSnapshot(appStore, api());
    setBusy(false);
    window.location.hash = '#/overview';
  };
  return (
    <section className="card" aria-labelledby="welcome">
      <h1 id="welcome">Welcome to Cairn</h1>
      <p>
        Cairn copies a folder to a backup folder every day. Each backup is a plain folder you can open with
        any file manager; unchanged files take no extra space.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="plan-name">Name of this backup plan</label>
          <input
            id="plan-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="documents"
            required
            aria-describedby="plan-name-hint"
          />
          <small id="plan-name-hint" className="muted">
            Letters, digits, dot, dash or underscore; it becomes a folder name.
          </small>
        </div>
        <FolderField label="Folder to back up" value={source} onChange={setSource} purpose="source" />
        <FolderField
          label="Where to keep the backups"
          value={dest}
          onChange={setDest}
          purpose="destination"
          hint="Best on another disk: an external drive or a second disk."
        />
        <label>
          <input type="checkbox" checked={backUpNow} onChange={(e) => setBackUpNow(e.target.checked)} />
          Make the first backup now
        </label>
        <p className="muted">It then runs every day at 02:00; you can change that in Settings.</p>
        <ErrorLine text={error} />
        <button type="submit" className="primary big" disabled={busy || !name || !source || !dest}>
          Create plan
        </button>
      </form>
    </section>
  );
}
