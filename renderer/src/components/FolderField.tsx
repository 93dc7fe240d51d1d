// A folder: a native picker in the app, a path field under `cairn serve` (and always typeable).
import { useId } from 'react';
import { desktop } from '../client';

type Purpose = 'source' | 'destination' | 'restore-target';

/** A labelled path field with "Choose…" when the desktop picker exists. */
export function FolderField(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  purpose: Purpose;
  hint?: string;
}) {
  const id = useId();
  const d = desktop();
  const pick = async () => {
    const r = await d!.pickFolder({ purpose: props.purpose, title: props.label });
    if (r.ok && r.value.path) props.onChange(r.value.path);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="row">
        <input
          id={id}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          placeholder="/path/to/folder"
          spellCheck={false}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
        />
        {d && (
          <button type="button" onClick={() => void pick()}>
            Choose…
          </button>
        )}
      </div>
      {props.hint && (
        <small id={`${id}-hint`} className="muted">
          {props.hint}
        </small>
      )}
    </div>
  );
}
