// A line diff of two versions of a text file (jsdiff): added and removed lines marked with a sign and words
// for screen readers, not colour alone; long unchanged stretches folded to a few lines of context.
import { diffLines, type ChangeObject } from 'diff';
import { useMemo } from 'react';
import type { z } from 'zod';
import type { FileContent } from '../../../shared/contract';
import { counted } from '../format';

type Content = z.output<typeof FileContent>;
type Line = { kind: 'add' | 'del' | 'same'; text: string } | { kind: 'fold'; count: number };

const CONTEXT = 3;

function linesOf(value: string): string[] {
  const lines = value.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The diff as lines, unchanged runs longer than twice the context folded. */
export function diffRows(changes: ChangeObject<string>[]): Line[] {
  const out: Line[] = [];
  changes.forEach((c, i) => {
    const lines = linesOf(c.value);
    if (c.added || c.removed) {
      for (const text of lines) out.push({ kind: c.added ? 'add' : 'del', text });
      return;
    }
    const head = i === 0 ? 0 : CONTEXT;
    const tail = i === changes.length - 1 ? 0 : CONTEXT;
    if (lines.length <= head + tail + 1) {
      for (const text of lines) out.push({ kind: 'same', text });
      return;
    }
    for (const text of lines.slice(0, head)) out.push({ kind: 'same', text });
    out.push({ kind: 'fold', count: lines.length - head - tail });
    for (const text of lines.slice(lines.length - tail)) out.push({ kind: 'same', text });
  });
  return out;
}

const SIGN = { add: '+', del: '−', same: ' ' } as const;
const WORD = { add: 'Added: ', del: 'Removed: ', same: '' } as const;

/** The differences from `older` to `newer`, both text. */
export function TextDiff({ older, newer }: { older: Content; newer: Content }) {
  const rows = useMemo(() => {
    const changes = diffLines(older.text ?? '', newer.text ?? '', { timeout: 2000 });
    return changes ? diffRows(changes) : null;
  }, [older.text, newer.text]);
  if (!rows) return <p className="muted">The two versions differ in too many places to show line by line.</p>;
  const added = rows.filter((r) => r.kind === 'add').length;
  const removed = rows.filter((r) => r.kind === 'del').length;
  return (
    <>
      <p role="status" data-testid="diff-summary">
        {added + removed === 0
          ? 'The two versions have the same lines.'
          : `${counted(added, 'line')} added, ${counted(removed, 'line')} removed.`}
        {older.truncated || newer.truncated ? ' Only the start of each version is compared.' : ''}
      </p>
      <ol className="diff" aria-label="Differences">
        {rows.map((r, i) =>
          r.kind === 'fold' ? (
            <li key={i} className="diff-fold">
              … {counted(r.count, 'unchanged line')} …
            </li>
          ) : (
            <li key={i} className={`diff-${r.kind}`}>
              <span className="diff-sign" aria-hidden="true">
                {SIGN[r.kind]}
              </span>
              <span className="visually-hidden">{WORD[r.kind]}</span>
              {r.text}
            </li>
          ),
        )}
      </ol>
    </>
  );
}
