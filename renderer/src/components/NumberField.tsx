// A whole-number field that says next to itself what is wrong with what was typed (empty, -1, 1.5, too big)
// and reports whether it holds a number, so the form can refuse to save until it does.
import { useState } from 'react';

/** What is wrong with `text` as a whole number from `min` to `max`, in words; null when nothing is. */
export function numberProblem(text: string, min: number, max: number, hint = ''): string | null {
  const t = text.trim();
  if (t === '') return `Enter a number${hint}.`;
  if (!/^-?\d+$/.test(t)) return `Enter a whole number${hint}.`;
  const n = Number(t);
  if (n < min) return `Enter ${min} or more${hint}.`;
  if (n > max) return `Enter ${max} or less.`;
  return null;
}

/** A labelled number input; `onChange` gets only valid numbers, `onValidity` whether the text is one. */
export function NumberField(props: {
  id: string;
  label: string;
  value: number;
  min?: number;
  max?: number;
  /** Added to the message, e.g. " (0 turns this rule off)". */
  hint?: string;
  onChange(n: number): void;
  onValidity(ok: boolean): void;
}) {
  const { id, min = 0, max = 1_000_000 } = props;
  const [text, setText] = useState(String(props.value));
  const problem = numberProblem(text, min, max, props.hint);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={text}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const bad = numberProblem(t, min, max);
          props.onValidity(!bad);
          if (!bad) props.onChange(Number(t));
        }}
      />
      {problem && (
        <span id={`${id}-problem`} className="field-problem">
          {problem}
        </span>
      )}
    </div>
  );
}
