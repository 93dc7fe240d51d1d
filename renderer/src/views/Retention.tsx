// Retention: edit the local and Drive policies and see, before saving, which backups each keeps (and by
// which rule) or prunes; pin and unpin with a note.
import { useState } from 'react';
import type { z } from 'zod';
import type { Retention as RetentionSchema, RetentionPolicies } from '../../../shared/contract';
import { api } from '../client';
import { NumberField } from '../components/NumberField';
import { PlanPicker } from '../components/PlanPicker';
import { useApp } from '../store/store';
import { useCall } from '../useCall';
import { PruneNow, Timeline } from './RetentionTimeline';
import { ErrorLine } from '../components/ErrorLine';

type Policy = z.output<typeof RetentionSchema>;
const COUNT_RULES: [keyof Policy, string][] = [
  ['keepLast', 'Last backups'],
  ['keepDaily', 'Daily'],
  ['keepWeekly', 'Weekly'],
  ['keepMonthly', 'Monthly'],
  ['keepYearly', 'Yearly'],
];
/** The rules of time, set once per plan (Google Drive follows them too). */
const TIME_RULES: [keyof Policy, string][] = [
  ['keepWithinHours', 'Every backup of the last (hours)'],
  ['keepNotedDays', 'Made by hand with a note (days)'],
];

function PolicyFields({
  id,
  p,
  rules = COUNT_RULES,
  onChange,
  onValidity,
}: {
  id: string;
  p: Policy;
  rules?: [keyof Policy, string][];
  onChange(p: Policy): void;
  onValidity(field: string, ok: boolean): void;
}) {
  return (
    <div className="row">
      {rules.map(([k, label]) => (
        <NumberField
          key={k}
          id={`${id}-${k}`}
          label={label}
          value={p[k]}
          hint=" (0 turns this rule off)"
          onChange={(n) => onChange({ ...p, [k]: n })}
          onValidity={(ok) => onValidity(`${id}-${k}`, ok)}
        />
      ))}
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
      <ErrorLine text={current.error} />
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
  // Sent only when edited: until then Drive follows the local count rules.
  const [driveEdited, setDriveEdited] = useState(false);
  const [autoPrune, setAutoPrune] = useState(initial.autoPrune);
  const [target, setTarget] = useState<'local' | 'drive'>('local');
  const [saved, setSaved] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // Fields whose text is not a number: the preview keeps their last number, and Save is refused.
  const [invalid, setInvalid] = useState<Set<string>>(new Set());
  const validity = (field: string, ok: boolean) =>
    setInvalid((s) => {
      const n = new Set(s);
      if (ok) n.delete(field);
      else n.add(field);
      return n;
    });
  const policy = target === 'local' ? local : drive;
  const preview = useCall(policy ? `${plan}|${target}|${JSON.stringify(policy)}|${tick}` : null, () =>
    api().retentionPreview({ plan, target, policy: policy! }),
  );
  const editLocal = (p: Policy) => {
    setLocal(p);
    setSaved(null);
    setDirty(true);
  };
  const save = async () => {
    if (!local) return;
    if (invalid.size > 0) return setError('Not saved: put a number in each field marked above.');
    setError(null);
    const r = await api().retentionSet({
      plan,
      local,
      ...(drive && driveEdited ? { drive } : {}),
      autoPrune,
    });
    if (!r.ok) return setError(r.error.message);
    setSaved('Saved.');
    setDirty(false);
  };
  return (
    <>
      {local && (
        <section aria-labelledby="local-policy">
          <h2 id="local-policy">Backups kept on the backup disk</h2>
          <PolicyFields id="local" p={local} onChange={editLocal} onValidity={validity} />
          <PolicyFields id="local" p={local} rules={TIME_RULES} onChange={editLocal} onValidity={validity} />
          <p className="muted">
            A backup you start yourself with a note (Back up now with a note, or cairn backup --note) is kept
            that many days; pinned backups are kept until you unpin them. 0 turns a rule off.
          </p>
        </section>
      )}
      <section aria-labelledby="drive-policy">
        <h2 id="drive-policy">Backups kept on Google Drive</h2>
        {drive ? (
          <PolicyFields
            id="drive"
            p={drive}
            onValidity={validity}
            onChange={(p) => {
              setDrive(p);
              setDriveEdited(true);
              setSaved(null);
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
      <ErrorLine text={error} />
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
      <ErrorLine text={preview.error} />
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
