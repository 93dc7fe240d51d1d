// The retention timeline: each backup kept (and by which rule) or pruned, pin and unpin with a note, and
// "Prune now" for exactly what the preview showed.
import { useState } from 'react';
import type { z } from 'zod';
import type { RetentionPreview } from '../../../shared/contract';
import { api } from '../client';
import { backupLabel, bytes, count, counted, stampText } from '../format';
import { appStore } from '../store/store';

function PinButton({
  plan,
  stamp,
  pinned,
  onDone,
}: {
  plan: string;
  stamp: string;
  pinned: boolean;
  onDone(): void;
}) {
  const [note, setNote] = useState('');
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async () => {
    const r = pinned
      ? await api().backupUnpin({ plan, stamp })
      : await api().backupPin({ plan, stamp, note: note || undefined });
    if (!r.ok) return setError(r.error.message);
    setAsking(false);
    appStore.getState().invalidateBackups();
    onDone();
  };
  if (error) return <span className="error">{error}</span>;
  if (pinned)
    return (
      <button type="button" onClick={() => void act()}>
        Unpin
      </button>
    );
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Pin…
      </button>
    );
  return (
    <span className="row">
      <input
        aria-label={`Note for the backup of ${stampText(stamp)}`}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder="why keep it"
      />
      <button type="button" onClick={() => void act()}>
        Pin
      </button>
    </span>
  );
}

/** Why a backup is kept or pruned, after "kept: " or "pruned: " ("newest of 2026-11-03, 2nd of the 7 daily"). */
function reasonText(i: { keep: boolean; reasons: string[] }): string {
  return i.keep ? i.reasons.join('; ') : 'no rule keeps it';
}

/** The previewed backups, newest first. */
export function Timeline({
  preview,
  plan,
  onPin,
}: {
  preview: z.output<typeof RetentionPreview>;
  plan: string;
  onPin(): void;
}) {
  const pruned = preview.items.filter((i) => !i.keep).length;
  return (
    <>
      <p role="status" data-testid="retention-summary">
        {count(preview.items.length - pruned)} kept, {count(pruned)} to be pruned
      </p>
      <ol className="timeline" aria-label={`Backups kept and pruned (${preview.target})`}>
        {preview.items.map((i) => (
          <li key={i.stamp} data-testid="timeline-item">
            <span>{backupLabel(i, preview.items)}</span>
            <span>
              <span className={i.keep ? 'keep' : 'prune'}>{i.keep ? 'kept' : 'pruned'}</span>
              <span className="muted">: {reasonText(i)}</span>
            </span>
            {preview.target === 'local' ? (
              <PinButton
                plan={plan}
                stamp={i.stamp}
                pinned={i.reasons.some((r) => r.startsWith('pinned'))}
                onDone={onPin}
              />
            ) : (
              <span />
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

/** Deletes what the saved policy prunes, exactly the backups the preview listed (the service refuses otherwise). */
export function PruneNow(props: {
  stale: boolean;
  plan: string;
  target: 'local' | 'drive';
  stamps: string[];
  unsaved: boolean;
  onDone(): void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  if (props.unsaved) return <p className="muted">Save the policy to prune with it.</p>;
  if (props.stale) return <p className="muted">Updating the preview…</p>;
  if (props.stamps.length === 0) return msg ? <p role="status">{msg}</p> : null;
  const prune = async () => {
    const r = await api().prune({
      plan: props.plan,
      target: props.target,
      dryRun: false,
      expect: props.stamps,
    });
    setConfirming(false);
    if (!r.ok) return setMsg(r.error.message);
    setMsg(
      `Pruned ${counted(r.value.pruned.length, 'backup')}${r.value.freedBytes !== null ? `, ${bytes(r.value.freedBytes)} freed` : ''}.`,
    );
    appStore.getState().invalidateBackups();
    props.onDone();
  };
  return (
    <div className="row">
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={() => void prune()}>
            Delete {counted(props.stamps.length, 'backup')}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep them
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Prune now…
        </button>
      )}
      {msg && <span role="status">{msg}</span>}
    </div>
  );
}
