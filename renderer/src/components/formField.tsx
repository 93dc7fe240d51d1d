// One labelled text field of a form whose values are a record of strings: its hint, and its problem once the
// user has left it filled (or tried to send the form). The database and remote forms share it.
import type { Dispatch, ReactElement, ReactNode, SetStateAction } from 'react';
import { ErrorLine } from './ErrorLine';

export interface FieldOptions {
  type?: string;
  hint?: string;
  placeholder?: string;
}

/** Makes `field(key, label, options)` for a form with these values, shown problems and setters. */
export function makeField<K extends string>(f: {
  id: string;
  values: Record<K, string>;
  setValues: (v: Record<K, string>) => void;
  problems: Partial<Record<K, string>>;
  shown: Set<K>;
  setShown: Dispatch<SetStateAction<Set<K>>>;
}): (k: K, label: string, o?: FieldOptions) => ReactElement {
  const { id, values: v, problems, shown } = f;
  return function field(k, label, o = {}) {
    const problem = shown.has(k) ? problems[k] : undefined;
    const describedBy = [o.hint && `${id}-${k}-hint`, problem && `${id}-${k}-problem`]
      .filter(Boolean)
      .join(' ');
    return (
      <div className="field">
        <label htmlFor={`${id}-${k}`}>{label}</label>
        <input
          id={`${id}-${k}`}
          type={o.type ?? 'text'}
          value={v[k]}
          placeholder={o.placeholder}
          spellCheck={false}
          autoComplete={o.type === 'password' ? 'new-password' : 'off'}
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => f.setValues({ ...v, [k]: e.target.value })}
          onBlur={() => v[k] && f.setShown(new Set(shown).add(k))}
        />
        {o.hint && (
          <small id={`${id}-${k}-hint`} className="muted">
            {o.hint}
          </small>
        )}
        {problem && (
          <small id={`${id}-${k}-problem`} className="error">
            {problem}
          </small>
        )}
      </div>
    );
  };
}

/** A form's end: the service's refusal, if any, then the send button (its words while busy) and Cancel. */
export function FormEnd(p: { error: string | null; busy: boolean; send: string; onCancel(): void }) {
  return (
    <>
      <ErrorLine text={p.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={p.busy}>
          {p.busy ? 'Adding…' : p.send}
        </button>
        <button type="button" onClick={p.onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** What an action told: a status line, green when it went well, red otherwise. */
export function Told({ told }: { told: { ok: boolean; text: string } | null }) {
  return told ? (
    <p role="status" className={told.ok ? 'status-complete' : 'status-failed'}>
      {told.text}
    </p>
  ) : null;
}

/** "Remove NAME?" asked in place: what removing means, the danger button, and "Keep it" (focused). */
export function ConfirmRemove(p: {
  name: string;
  children: ReactNode;
  busy: boolean;
  onRemove(): void;
  onKeep(): void;
}) {
  return (
    <div className="row" role="group" aria-label={`Remove ${p.name}?`}>
      <span>{p.children}</span>
      <button type="button" className="danger" disabled={p.busy} onClick={p.onRemove}>
        Remove {p.name}
      </button>
      <button type="button" autoFocus onClick={p.onKeep}>
        Keep it
      </button>
    </div>
  );
}
