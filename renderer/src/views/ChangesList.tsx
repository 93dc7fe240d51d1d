// The rows of the Changes view: each changed file (a link to its timeline) and each folder holding changes
// (a link that opens it), with what changed and its size before and after.
import type { z } from 'zod';
import type { BackupChanges, ChangeTally } from '../../../shared/contract';
import { bytes, count, counted } from '../format';
import { routeHash, type Route } from '../route';

type Entry = z.output<typeof BackupChanges>['entries'][number];
type Side = Entry['before'];

/** "2 files added (1.5 KB)". */
export function tallyText(kind: string, t: z.output<typeof ChangeTally>): string {
  return `${counted(t.count, 'file')} ${kind}${t.count > 0 ? ` (${bytes(t.bytes)})` : ''}`;
}

/** What a folder holds that changed: "3 added · 1 removed". */
function belowText(b: NonNullable<Entry['below']>): string {
  const parts = (['added', 'changed', 'removed'] as const)
    .filter((k) => b[k].count > 0)
    .map((k) => `${count(b[k].count)} ${k}`);
  return parts.length ? parts.join(' · ') : 'folders only';
}

const KIND_WORD = { file: 'file', dir: 'folder', symlink: 'link' } as const;

function sideText(s: NonNullable<Side>): string {
  return s.kind === 'file' ? bytes(s.size) : KIND_WORD[s.kind];
}

/** "1.2 KB → 3 KB", "file → folder", "4 KB". */
function sizeText(e: Entry): string {
  if (e.before && e.after) return `${sideText(e.before)} → ${sideText(e.after)}`;
  const s = e.after ?? e.before;
  return s ? sideText(s) : '';
}

export function ChangesList(o: {
  plan: string;
  newer: string;
  older: string | null;
  route: Route;
  entries: Entry[];
  filtered: boolean;
}) {
  const { plan, entries } = o;
  if (entries.length === 0)
    return (
      <p className="muted">{o.filtered ? 'No change matches the filter here.' : 'Nothing changed here.'}</p>
    );
  return (
    <ul className="changes-list" aria-label="Changes">
      {entries.map((e) => {
        const folder = e.below !== null;
        // A removed file is only in the older backup: its timeline opens on the version that one holds.
        const stamp = e.change === 'removed' && o.older ? o.older : o.newer;
        const href = folder
          ? routeHash({ ...o.route, view: 'changes', plan, stamp: o.newer, path: e.path })
          : routeHash({ view: 'file', plan, stamp, path: e.path });
        return (
          <li key={e.path} className="changes-row" data-row="">
            <span className={`change change-${e.change ?? 'below'}`}>{e.change ?? 'inside'}</span>
            <a href={href} title={folder ? `Open ${e.display}` : `Every version of ${e.display}`}>
              {e.display}
              {e.kind === 'dir' ? '/' : ''}
            </a>
            <span className="muted">
              {e.change && !(folder && e.change !== 'changed') ? sizeText(e) : ''}
            </span>
            <span className="muted">{e.below ? belowText(e.below) : ''}</span>
          </li>
        );
      })}
    </ul>
  );
}
