// One labelled text field of a form whose values are a record of strings: its hint, and its problem once the
// user has left it filled (or tried to send the form). The database and remote forms share it.
import type { Dispatch, ReactElement, SetStateAction } from 'react';

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
