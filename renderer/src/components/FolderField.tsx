// A folder: a native picker in the app, Cairn's folder browser under `cairn serve` (and always typeable).
import { useId, useState } from 'react';
import { desktop } from '../client';
import { FolderBrowser } from './FolderBrowser';

type Purpose = 'source' | 'destination' | 'restore-target';

/** A labelled path field with "Choose…": the desktop picker in the app, the folder browser in a browser. */
export function FolderField(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  purpose: Purpose;
  hint?: string;
}) {
  const id = useId();
  const [browsing, setBrowsing] = useState(false);
  const d = desktop();
  const pick = async () => {
    if (!d) return setBrowsing(true);
    const r = await d.pickFolder({ purpose: props.purpose, title: props.label });
    if (r.ok && r.value.path) props.onChange(r.value.path);
  };
  // The browser sits beside the field, not in it: the field's styles are not the dialog's.
  return (
    <>
      <div className="field">
        <label id={`${id}-label`} htmlFor={id}>
          {props.label}
        </label>
        <div className="row">
          <input
            id={id}
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            placeholder="/path/to/folder"
            spellCheck={false}
            aria-describedby={props.hint ? `${id}-hint` : undefined}
          />
          <button type="button" onClick={() => void pick()} aria-describedby={`${id}-label`}>
            Choose…
          </button>
        </div>
        {props.hint && (
          <small id={`${id}-hint`} className="muted">
            {props.hint}
          </small>
        )}
      </div>
      {browsing && (
        <FolderBrowser
          title={props.label}
          start={props.value}
          onPick={props.onChange}
          onClose={() => setBrowsing(false)}
        />
      )}
    </>
  );
}
