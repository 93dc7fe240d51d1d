// Retention: edit the local and Drive policies and see, before saving, which backups each keeps (and by
// which rule) or prunes; pin and unpin with a note.
import { useState } from 'react';
import type { z } from 'zod';
import type {
  Retention as RetentionSchema,
  RetentionPolicies,
  RetentionPreview,
} from '../../../shared/contract';
import { api } from '../client';
import { PlanPicker } from '../components/PlanPicker';
import { bytes, stampText } from '../format';
import { appStore, useApp } from '../store/store';
import { useCall } from '../useCall';

type Policy = z.output<typeof RetentionSchema>;
const RULES: [keyof Policy, string][] = [
  ['keepLast', 'Last backups'],
  ['keepDaily', 'Daily'],
  ['keepWeekly', 'Weekly'],
  ['keepMonthly', 'Monthly'],
  ['keepYearly', 'Yearly'],
];

function PolicyFields({ id, p, onChange }: { id: string; p: Policy; onChange(p: Policy): void }) {
  return (
    <div className="row">
      {RULES.map(([k, label]) => (
        <div key={k} className="field">
          <label htmlFor={`${id}-${k}`}>{label}</label>
          <input
            id={`${id}-${k}`}
            type="number"
            min={0}
            value={p[k]}
            onChange={(e) => onChange({ ...p, [k]: Math.max(0, Math.floor(Number(e.target.value) || 0)) })}
          />
        </div>
      ))}
    </div>
  );
}

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

function Timeline({
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
        {preview.items.length - pruned} kept, {pruned} to be pruned
      </p>
      <ol className="timeline" aria-label={`Backups kept and pruned (${preview.target})`}>
        {preview.items.map((i) => (
          <li key={i.stamp} data-testid="timeline-item">
            <span>{stampText(i.stamp)}</span>
            <span className={i.keep ? 'keep' : 'prune'}>{i.keep ? 'kept' : 'pruned'}</span>
            <span className="muted">{i.reasons.join(', ')}</span>
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
function PruneNow(props: {
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
      `Pruned ${r.value.pruned.length} backups${r.value.freedBytes !== null ? `, ${bytes(r.value.freedBytes)} freed` : ''}.`,
    );
    appStore.getState().invalidateBackups();
    props.onDone();
  };
  return (
    <div className="row">
      {confirming ? (
        <>
          <button type="button" className="danger" onClick={() => void prune()}>
            Delete {props.stamps.length} backups
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

/** The Retention view: the saved policies, then the editor over them. */
export function Retention() {
  const plan = useApp((s) => s.selectedPlan);
  const current = useCall(plan, () => api().retentionGet({ plan: plan! }));
  if (!plan) return null;
  return (
    <>
      <h1>Retention</h1>
      <PlanPicker />
      {current.error && (
        <p role="alert" className="error">
          {current.error}
        </p>
      )}
      {current.value && current.value.planName === plan && (
        <RetentionEditor key={plan} plan={plan} saved={current.value} />
      )}
    </>
  );
}

function RetentionEditor({
  plan,
  saved: initial,
}: {
  plan: string;
  saved: z.output<typeof RetentionPolicies>;
}) {
  const [local, setLocal] = useState<Policy | null>(initial.local);
  const [drive, setDrive] = useState<Policy | null>(initial.drive);
  const [autoPrune, setAutoPrune] = useState(initial.autoPrune);
  const [target, setTarget] = useState<'local' | 'drive'>('local');
  const [saved, setSaved] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const policy = target === 'local' ? local : drive;
  const preview = useCall(policy ? `${plan}|${target}|${JSON.stringify(policy)}|${tick}` : null, () =>
    api().retentionPreview({ plan, target, policy: policy! }),
  );
  const save = async () => {
    if (!local) return;
    setError(null);
    const r = await api().retentionSet({ plan, local, ...(drive ? { drive } : {}), autoPrune });
    if (!r.ok) return setError(r.error.message);
    setSaved('Saved.');
    setDirty(false);
  };
  return (
    <>
      {local && (
        <section aria-labelledby="local-policy">
          <h2 id="local-policy">Backups kept on the backup disk</h2>
          <PolicyFields
            id="local"
            p={local}
            onChange={(p) => {
              setLocal(p);
              setSaved(null);
              setDirty(true);
              setDirty(true);
            }}
          />
        </section>
      )}
      <section aria-labelledby="drive-policy">
        <h2 id="drive-policy">Backups kept on Google Drive</h2>
        {drive ? (
          <PolicyFields
            id="drive"
            p={drive}
            onChange={(p) => {
              setDrive(p);
              setSaved(null);
              setDirty(true);
              setDirty(true);
            }}
          />
        ) : (
          <p className="muted">Google Drive is not set up for this plan.</p>
        )}
      </section>
      <label>
        <input
          type="checkbox"
          checked={autoPrune}
          onChange={(e) => {
            setAutoPrune(e.target.checked);
            setSaved(null);
            setDirty(true);
          }}
        />
        Prune automatically after each backup
      </label>
      <div className="row">
        <button type="button" className="primary" onClick={() => void save()}>
          Save retention
        </button>
        {saved && <span role="status">{saved}</span>}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <h2>Preview (nothing is deleted until you save and prune)</h2>
      {drive && (
        <div className="row" role="radiogroup" aria-label="Which copy">
          <label>
            <input type="radio" checked={target === 'local'} onChange={() => setTarget('local')} /> backup
            disk
          </label>
          <label>
            <input type="radio" checked={target === 'drive'} onChange={() => setTarget('drive')} /> Google
            Drive
          </label>
        </div>
      )}
      {preview.error && (
        <p role="alert" className="error">
          {preview.error}
        </p>
      )}
      {preview.value && <Timeline preview={preview.value} plan={plan} onPin={() => setTick((t) => t + 1)} />}
      {preview.value && (
        <PruneNow
          plan={plan}
          target={target}
          stamps={preview.value.items.filter((i) => !i.keep).map((i) => i.stamp)}
          unsaved={dirty}
          stale={preview.loading}
          onDone={() => setTick((t) => t + 1)}
        />
      )}
    </>
  );
}
